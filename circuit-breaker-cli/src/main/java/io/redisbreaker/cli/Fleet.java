package io.redisbreaker.cli;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.lettuce.core.KeyValue;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.redisbreaker.core.BreakerNames;
import io.redisbreaker.core.CircuitBreakerConfig;
import io.redisbreaker.core.CircuitSnapshot;
import io.redisbreaker.core.OperatorCommand;
import io.redisbreaker.core.RecordedSettings;
import io.redisbreaker.core.StateChange;
import io.redisbreaker.core.TransitionRecord;
import org.jspecify.annotations.Nullable;

/**
 * The fleet's breakers as Redis holds them, read and changed the way the actuator endpoint does: the
 * names from the store's index, snapshots by the snapshot script, changes by the operate script. A
 * name no instance uses is refused before anything is written, so a typo never creates a breaker.
 */
final class Fleet {

	/** As the events endpoint orders them. */
	static final Comparator<TransitionRecord> NEWEST_FIRST = Comparator
		.comparing(TransitionRecord::at, Comparator.reverseOrder())
		.thenComparing(TransitionRecord::epoch, Comparator.reverseOrder());

	private final RedisSession session;

	Fleet(RedisSession session) {
		this.session = session;
	}

	/** The listed names, sorted; one written by hand that is not a valid name is left out, as the registry does. */
	Set<String> names() {
		Set<String> names = new TreeSet<>(await(this.session.store().names()));
		names.removeIf((name) -> !BreakerNames.isValid(name));
		return names;
	}

	/** The breakers, by name in name order: two round trips (the recorded settings, then the snapshots). */
	Map<String, BreakerStatus> read(Collection<String> names) {
		Map<String, RecordedConfig> settings = settings(names);
		Map<String, CircuitBreakerConfig> configs = new LinkedHashMap<>();
		settings.forEach((name, recorded) -> configs.put(name, recorded.config()));
		Map<String, CircuitSnapshot> snapshots = await(this.session.store().snapshots(configs));
		Map<String, BreakerStatus> read = new TreeMap<>();
		snapshots.forEach((name, snapshot) -> read.put(name, new BreakerStatus(snapshot, settings.get(name))));
		return read;
	}

	/** The breaker if some instance uses it: listed in the index, or with state or counts stored. */
	Optional<BreakerStatus> find(String name) {
		BreakerStatus status = read(List.of(name)).get(name);
		if (status.snapshot().stored() || names().contains(name)) {
			return Optional.of(status);
		}
		return Optional.empty();
	}

	/** The breaker, or exit code 1 naming where it was looked for. */
	BreakerStatus require(String name) {
		return find(name).orElseThrow(() -> unknown(name));
	}

	CliFailure unknown(String name) {
		return new CliFailure(ExitCodes.UNKNOWN_BREAKER, "No circuit breaker '" + name + "' at " + this.session.where()
				+ "; expected a name some instance uses (see 'status'), or another --prefix");
	}

	/** Runs an operator command on a breaker known to be in use. */
	StateChange operate(String name, OperatorCommand command, String reason) {
		return await(this.session.store().operate(name, command, reason));
	}

	/** Runs the commands on all the breakers at once, all sent before any answer is awaited. */
	Map<String, StateChange> operateAll(Collection<String> names, OperatorCommand command, String reason) {
		Map<String, CompletableFuture<StateChange>> changes = new TreeMap<>();
		for (String name : names) {
			changes.put(name, this.session.store().operate(name, command, reason).toCompletableFuture());
		}
		await(CompletableFuture.allOf(changes.values().toArray(CompletableFuture[]::new)));
		Map<String, StateChange> done = new TreeMap<>();
		changes.forEach((name, change) -> done.put(name, change.join()));
		return done;
	}

	/** The breakers' recorded transitions (the last 50 of each), newest first. */
	List<TransitionRecord> history(Collection<String> names) {
		List<TransitionRecord> history = new ArrayList<>(await(this.session.store().history(names)));
		history.sort(NEWEST_FIRST);
		return history;
	}

	/**
	 * The settings each breaker's last instance recorded, read-only: the starter's settings script
	 * would record the CLI's own in their place.
	 */
	private Map<String, RecordedConfig> settings(Collection<String> names) {
		RedisAsyncCommands<byte[], byte[]> commands = this.session.connection().async();
		Map<String, CompletableFuture<List<KeyValue<byte[], byte[]>>>> reads = new LinkedHashMap<>();
		for (String name : names) {
			reads.put(name, commands
				.hmget(bytes(this.session.keys().settings(name)), bytes("hash"), bytes("settings"),
						bytes("instance"))
				.toCompletableFuture());
		}
		await(CompletableFuture.allOf(reads.values().toArray(CompletableFuture[]::new)));
		Map<String, RecordedConfig> settings = new LinkedHashMap<>();
		reads.forEach((name, read) -> settings.put(name, RecordedConfig.of(recorded(read.join()))));
		return settings;
	}

	private static @Nullable RecordedSettings recorded(List<KeyValue<byte[], byte[]>> fields) {
		String hash = text(fields.get(0));
		if (hash.isEmpty()) {
			return null;
		}
		return new RecordedSettings(hash, text(fields.get(1)), text(fields.get(2)));
	}

	private static String text(KeyValue<byte[], byte[]> field) {
		return field.hasValue() ? new String(field.getValue(), StandardCharsets.UTF_8) : "";
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Waits for an answer, at most a little longer than the command timeout that already bounds it, so
	 * no failure mode of the connection can leave the CLI hanging.
	 */
	<T> T await(CompletionStage<T> stage) {
		long millis = this.session.timeout().toMillis() + 1000;
		try {
			return stage.toCompletableFuture().get(millis, TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			throw RedisErrors.translate(ex.getCause() != null ? ex.getCause() : ex, this.session.target(),
					this.session.keys());
		}
		catch (TimeoutException ex) {
			throw new CliFailure(ExitCodes.REDIS_UNAVAILABLE, "Redis at " + this.session.target()
					+ " did not answer within " + millis + " ms; expected an answer within --timeout", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CliFailure(ExitCodes.UNEXPECTED, "Interrupted while waiting for Redis at " + this.session.target(), ex);
		}
	}

}
