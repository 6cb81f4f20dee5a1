package io.redisbreaker.store.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.redisbreaker.connection.RedisFailures;
import io.redisbreaker.connection.RedisRetry;
import io.redisbreaker.core.CallOutcome;
import io.redisbreaker.core.CircuitBreakerConfig;
import io.redisbreaker.core.CircuitSnapshot;
import io.redisbreaker.core.CircuitState;
import io.redisbreaker.core.Admission;
import io.redisbreaker.core.BreakerStore;
import io.redisbreaker.core.MergeResult;
import io.redisbreaker.core.OperatorCommand;
import io.redisbreaker.core.OutcomeBatch;
import io.redisbreaker.core.RecordedSettings;
import io.redisbreaker.core.StateChange;
import io.redisbreaker.core.TransitionRecord;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Breaker state in Redis. Every read-decide-write is one Lua script, so instances never race each
 * other, and every operation is a single round trip.
 */
public final class RedisBreakerStore implements BreakerStore {

	/** Default lifetime of a breaker's keys, refreshed on every write; forced states never expire. */
	public static final Duration DEFAULT_KEY_TTL = Duration.ofHours(1);

	/** Default of the most breaker names the index lists, fleet-wide. */
	public static final int DEFAULT_MAX_BREAKERS = 1000;

	// Each script's arguments are one *Arguments record and its reply one *Reply record, whose
	// components are the script's ARGV and reply in order (ScriptHeaderTests holds them to the
	// scripts' headers), so nothing here knows a position. The arguments are built inside each
	// attempt, as before, so a failure to build them fails the returned stage rather than the call.

	private static final LuaScript ACQUIRE = LuaScript.load(AcquireReply.SCRIPT);

	private static final LuaScript RECORD = LuaScript.load(RecordReply.SCRIPT);

	private static final LuaScript OPERATE = LuaScript.load(ChangeReply.OPERATE);

	private static final LuaScript RECONCILE = LuaScript.load(ChangeReply.RECONCILE);

	private static final LuaScript SNAPSHOT = LuaScript.load(SnapshotReply.SCRIPT);

	private static final LuaScript REGISTER = LuaScript.load(RegisterReply.SCRIPT);

	private static final LuaScript NAMES = LuaScript.load(NamesReply.SCRIPT);

	private static final LuaScript SETTINGS = LuaScript.load(SettingsReply.SCRIPT);

	private static final LuaScript MERGE = LuaScript.load(MergeReply.SCRIPT);

	private static final LuaScript[] SCRIPTS = { ACQUIRE, RECORD, OPERATE, RECONCILE, SNAPSHOT, REGISTER, NAMES,
			SETTINGS, MERGE };

	private final AsyncConnection connection;

	private final BreakerKeys keys;

	private final String instanceId;

	private final StoreConstants constants;

	private final @Nullable RedisRetry retry;

	private volatile @Nullable Object scriptsLoadedOn;

	private static final Log logger = LogFactory.getLog(RedisBreakerStore.class);

	private static final long RELOAD_LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

	private final AtomicLong scriptReloads = new AtomicLong();

	private final AtomicLong lastReloadLogNanos = new AtomicLong(System.nanoTime() - RELOAD_LOG_INTERVAL_NANOS);

	/** An operation was refused a permission since the last permission check that passed. */
	private volatile boolean permissionRefused;

	/**
	 * @param commands supplies the asynchronous commands of a live connection; it may block (it is
	 * called off the caller's thread) and is asked again once the connection it gave was closed
	 * @param keys names the keys
	 * @param instanceId identifies this instance in published transitions
	 * @param keyTtl lifetime of a breaker's keys after its last write
	 * @param retry retries operations that failed because of the connection, or {@code null}
	 * @param maxBreakers the most breaker names the index lists, fleet-wide
	 */
	public RedisBreakerStore(Supplier<RedisClusterAsyncCommands<byte[], byte[]>> commands, BreakerKeys keys,
			String instanceId, Duration keyTtl, @Nullable RedisRetry retry, int maxBreakers) {
		if (keyTtl.toMillis() < 1000) {
			throw new IllegalArgumentException("circuitbreaker.key-ttl must be at least 1s but was " + keyTtl);
		}
		if (maxBreakers < 1) {
			throw new IllegalArgumentException("circuitbreaker.max-breakers must be at least 1 but was " + maxBreakers);
		}
		this.connection = new AsyncConnection(commands);
		this.keys = keys;
		this.instanceId = instanceId;
		this.constants = StoreConstants.of(keyTtl.toMillis(), keys.transitionChannel(), instanceId, maxBreakers);
		this.retry = retry;
	}

	public RedisBreakerStore(Supplier<RedisClusterAsyncCommands<byte[], byte[]>> commands, BreakerKeys keys,
			String instanceId, Duration keyTtl, @Nullable RedisRetry retry) {
		this(commands, keys, instanceId, keyTtl, retry, DEFAULT_MAX_BREAKERS);
	}

	public RedisBreakerStore(Supplier<RedisClusterAsyncCommands<byte[], byte[]>> commands, BreakerKeys keys,
			String instanceId, Duration keyTtl) {
		this(commands, keys, instanceId, keyTtl, null);
	}

	/**
	 * Runs one operation on a live connection, with retries when configured. Each attempt asks for the
	 * connection again, so it picks up one that replaced a reset connection.
	 * @param idempotent whether running the operation twice cannot change the result; recording an
	 * outcome can (it counts), so it is retried only when it surely never ran
	 */
	private <T> CompletionStage<T> run(boolean idempotent,
			Function<RedisClusterAsyncCommands<byte[], byte[]>, CompletionStage<T>> operation) {
		CompletionStage<T> result = (this.retry == null)
				? this.connection.get().thenCompose((commands) -> loaded(commands, operation))
				: this.retry.executeAsync(
						() -> this.connection.get().thenCompose((commands) -> loaded(commands, operation)), idempotent);
		return result.exceptionallyCompose(this::refusedPermission);
	}

	/**
	 * A refused permission fails with what the user needs, and makes {@link #ping()} prove the
	 * permissions again: Redis answering PING says nothing about them.
	 */
	private <T> CompletionStage<T> refusedPermission(Throwable failure) {
		if (!RedisFailures.isPermissionRefused(failure)) {
			return CompletableFuture.failedFuture(failure);
		}
		this.permissionRefused = true;
		return CompletableFuture
			.failedFuture(new PermissionRefusedException(this.keys, RedisFailures.describe(failure), failure));
	}

	/** Runs the operation, first loading the scripts on a connection not seen before (a start, a reset). */
	private <T> CompletionStage<T> loaded(RedisClusterAsyncCommands<byte[], byte[]> commands,
			Function<RedisClusterAsyncCommands<byte[], byte[]>, CompletionStage<T>> operation) {
		if (this.scriptsLoadedOn == commands) {
			return operation.apply(commands);
		}
		CompletionStage<Void> load = LuaScript.loadAll(commands, SCRIPTS);
		// Sent behind the loads on the same connection, so it runs after them; a failed load only means
		// the scripts fall back to EVAL.
		CompletionStage<T> result = operation.apply(commands);
		load.thenRun(() -> this.scriptsLoadedOn = commands);
		return result;
	}

	/**
	 * Redis answered NOSCRIPT: its script cache was emptied (SCRIPT FLUSH, a restart, a failover to a
	 * server without the scripts). The script is sent whole this once; all of them are loaded again
	 * before the next operation, so later operations do not each pay a NOSCRIPT and land behind others.
	 */
	private void scriptsMissing() {
		this.scriptsLoadedOn = null;
		long reloads = this.scriptReloads.incrementAndGet();
		long now = System.nanoTime();
		long last = this.lastReloadLogNanos.get();
		if (now - last >= RELOAD_LOG_INTERVAL_NANOS && this.lastReloadLogNanos.compareAndSet(last, now)) {
			logger.info("Redis no longer had the circuit breaker scripts (SCRIPT FLUSH, a restart or a failover to a "
					+ "server without them); they are sent whole and loaded again, nothing to do. " + reloads
					+ " time(s) so far; logged at most once a minute.");
		}
	}

	/** How many times Redis answered NOSCRIPT and the scripts were loaded again. */
	public long scriptReloads() {
		return this.scriptReloads.get();
	}

	public BreakerKeys keys() {
		return this.keys;
	}

	@Override
	public CompletionStage<Admission> acquire(String name, CircuitBreakerConfig config, String permitId) {
		return run(true, (commands) -> ACQUIRE.run(commands, this::scriptsMissing, keys(commands, name),
				AcquireArguments.of(name, config, permitId, this.constants).argv()))
			.thenApply((reply) -> AcquireReply.parse(reply).admission(name, permitId, this.instanceId));
	}

	@Override
	public CompletionStage<StateChange> record(String name, CircuitBreakerConfig config, Admission admission,
			CallOutcome outcome) {
		// A trial outcome counts once whatever happens: the first run removes its permit, and a success
		// without its permit, like a failure under a changed epoch, counts nothing. So it may be retried
		// when it may have run; other outcomes only when they surely did not.
		return run(admission.permitId() != null, (commands) -> RECORD.run(commands, this::scriptsMissing, keys(commands, name),
				RecordArguments.of(name, config, admission, outcome, this.constants).argv()))
			.thenApply((reply) -> RecordReply.parse(reply).change(name, this.instanceId));
	}

	@Override
	public CompletionStage<MergeResult> merge(String name, CircuitBreakerConfig config, OutcomeBatch batch) {
		// A batch counts once whatever happens (its sequence is kept), so it may always be retried.
		return run(true, (commands) -> MERGE.run(commands, this::scriptsMissing, keys(commands, name),
				MergeArguments.of(name, config, batch, this.constants).argv()))
			.thenApply((reply) -> MergeReply.parse(reply).result(name, this.instanceId));
	}

	@Override
	public CompletionStage<StateChange> operate(String name, OperatorCommand command, String reason) {
		boolean[] cluster = new boolean[1];
		return run(true, (commands) -> {
			cluster[0] = isCluster(commands);
			return OPERATE.run(commands, this::scriptsMissing, keys(commands, name),
					OperateArguments.of(name, command, reason, this.constants).argv());
		}).thenApply((reply) -> ChangeReply.parse(ChangeReply.OPERATE, reply).change(name, this.instanceId))
			.thenCompose((change) -> {
				if (!cluster[0]) {
					return CompletableFuture.completedFuture(change);
				}
				// The script could not list it (the index is in another slot): a forced breaker must stay
				// listed while nobody calls it, and a released one age out again.
				boolean pinned = change.state() == CircuitState.FORCED_OPEN || change.state() == CircuitState.DISABLED;
				return list(name, pinned ? "forever" : "exact").handle((listed, failure) -> change);
			});
	}

	/**
	 * Opens the shared breaker for {@code openFor} if it is closed and still in {@code expectedEpoch};
	 * used when Redis returns after an outage during which the breaker opened locally.
	 */
	public CompletionStage<StateChange> reconcileOpen(String name, Duration openFor, long expectedEpoch,
			String reason) {
		return run(true, (commands) -> RECONCILE.run(commands, this::scriptsMissing, keys(commands, name),
				ReconcileArguments.of(name, openFor, expectedEpoch, reason, this.constants).argv()))
			.thenApply((reply) -> ChangeReply.parse(ChangeReply.RECONCILE, reply).change(name, this.instanceId));
	}

	@Override
	public CompletionStage<CircuitSnapshot> snapshot(String name, CircuitBreakerConfig config) {
		return run(true,
				(commands) -> SNAPSHOT.run(commands, this::scriptsMissing, keys(commands, name), SnapshotArguments.of(config).argv()))
			.thenApply((reply) -> SnapshotReply.parse(reply).snapshot(name));
	}

	@Override
	public CompletionStage<Boolean> register(String name) {
		return list(name, "");
	}

	private CompletionStage<Boolean> list(String name, String pin) {
		return run(true, (commands) -> REGISTER.run(commands, this::scriptsMissing, index(),
				RegisterArguments.of(name, this.constants, isCluster(commands) ? "" : this.keys.prefix(), pin).argv()))
			.thenApply((reply) -> RegisterReply.parse(reply).listed());
	}

	@Override
	public CompletionStage<Set<String>> names() {
		return run(true, (commands) -> NAMES.run(commands, this::scriptsMissing, index(), new NamesArguments().argv())).thenApply((reply) -> {
			Set<String> names = new TreeSet<>();
			for (Object member : reply) {
				names.add(new String((byte[]) member, StandardCharsets.UTF_8));
			}
			return names;
		});
	}

	@Override
	public CompletionStage<List<TransitionRecord>> history(Collection<String> names) {
		return run(true, (commands) -> {
			List<CompletableFuture<List<byte[]>>> reads = new ArrayList<>();
			for (String name : names) {
				reads.add(commands.lrange(arg(this.keys.events(name)), 0, -1).toCompletableFuture());
			}
			return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply((done) -> {
				List<TransitionRecord> history = new ArrayList<>();
				int i = 0;
				for (String name : names) {
					for (byte[] entry : reads.get(i++).join()) {
						TransitionRecord record = parseEvent(name, new String(entry, StandardCharsets.UTF_8));
						if (record != null) {
							history.add(record);
						}
					}
				}
				return history;
			});
		});
	}

	/**
	 * One entry of a breaker's event list, {@code at, instance, from, to, epoch, reason} separated by
	 * tabs; {@code null} for one that is not (nothing this version wrote), which is skipped.
	 */
	static @Nullable TransitionRecord parseEvent(String name, String entry) {
		String[] fields = entry.split("\t", 6);
		if (fields.length != 6) {
			return null;
		}
		try {
			return new TransitionRecord(name, fields[1], CircuitState.valueOf(fields[2]),
					CircuitState.valueOf(fields[3]), fields[5], Long.parseLong(fields[4]),
					Instant.ofEpochMilli(Long.parseLong(fields[0])));
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	@Override
	public CompletionStage<Optional<RecordedSettings>> checkSettings(String name, CircuitBreakerConfig config) {
		return run(true, (commands) -> SETTINGS.run(commands, this::scriptsMissing, keys(commands, name),
				SettingsArguments.of(config, this.constants).argv()))
			.thenApply((reply) -> SettingsReply.parse(reply).recorded());
	}

	/**
	 * A breaker's keys for a script. On Redis Cluster the index lives in another slot, so the scripts
	 * cannot write it there and names are listed by {@link #register(String)} alone.
	 */
	private byte[][] keys(RedisClusterAsyncCommands<byte[], byte[]> commands, String name) {
		return this.keys.of(name, !isCluster(commands));
	}

	static boolean isCluster(RedisClusterAsyncCommands<byte[], byte[]> commands) {
		return commands instanceof RedisAdvancedClusterAsyncCommands;
	}

	private byte[][] index() {
		return new byte[][] { arg(this.keys.index()) };
	}

	/**
	 * Asks Redis for a PING (on a cluster, every master that serves slots: see {@link #pingEveryMaster});
	 * after an operation was refused a permission, also runs the permission check, and fails until the
	 * user may run everything the breakers do again.
	 */
	@Override
	public CompletionStage<Void> ping() {
		CompletionStage<Void> pong = this.connection.get().thenCompose(RedisBreakerStore::pingEveryMaster).thenAccept((p) -> {
		});
		if (!this.permissionRefused) {
			return pong;
		}
		return pong.thenCompose((p) -> checkPermissions()).thenAccept((refused) -> {
			if (!refused.isEmpty()) {
				throw new PermissionRefusedException(this.keys, String.join(", ", refused.keySet()) + " ("
						+ String.join("; ", new LinkedHashSet<>(refused.values())) + ")");
			}
			this.permissionRefused = false;
		});
	}

	/**
	 * A PING, on a cluster to every master that serves slots in the client's topology: a breaker's key
	 * goes to its slot's master, and one node's answer says nothing about the others. A plain PING goes to
	 * the default node; after a master was killed it answered while every breaker whose key is in the dead
	 * master's slots still failed, so the probe put Redis back and the next call took it out again, once
	 * per probe interval until the replica was promoted (4 to 5 outages per process in the cluster
	 * failover reliability test).
	 */
	private static CompletionStage<?> pingEveryMaster(RedisClusterAsyncCommands<byte[], byte[]> commands) {
		if (commands instanceof RedisAdvancedClusterAsyncCommands<byte[], byte[]> cluster) {
			return cluster.nodes((node) -> node.is(RedisClusterNode.NodeFlag.UPSTREAM) && !node.hasNoSlots())
				.commands()
				.ping();
		}
		return commands.ping();
	}

	/** How many times an operation was tried again after a connection failure. */
	public long retries() {
		RedisRetry retry = this.retry;
		return (retry != null) ? retry.retries() : 0;
	}

	/** Stops the thread that opens connections. */
	public void close() {
		this.connection.close();
	}

	private static byte[] arg(String value) {
		return BreakerKeys.bytes(value);
	}

	/**
	 * Runs every command the breaker scripts use against the keys of a reserved breaker
	 * ({@code <prefix>{#startup-check}}, removed again), the name index and the transition channel.
	 * Completes with each refused command mapped to Redis's reason (empty when all are permitted);
	 * fails when the check cannot run at all, for example when Redis is unreachable or refuses the
	 * credentials or the scripts themselves.
	 */
	public CompletionStage<java.util.Map<String, String>> checkPermissions() {
		return this.connection.get()
			.thenCompose((commands) -> PermissionCheck.run(commands, this.keys, this.instanceId));
	}

	/**
	 * Why the last attempt to connect to Redis, or Lettuce's last attempt to reconnect a dropped
	 * connection, failed (a refused connection, refused credentials), or {@code null} once connected.
	 * An operation that timed out while the connection was still being opened, or while Lettuce was
	 * reconnecting, only knows about the timeout; this names what actually went wrong.
	 */
	public @Nullable Throwable connectFailure() {
		return this.connection.lastConnectFailure();
	}

	/**
	 * Completes once no connect attempt is in progress, with {@link #connectFailure()} as it is then:
	 * the failure of the attempt that was in progress (or of the last one), or {@code null} when
	 * connected; with nothing failed yet, once Lettuce's next reconnect of a dropped connection failed or
	 * succeeded. Never completes exceptionally, so it can be waited on, with a bound, to name the real
	 * cause of a timeout that fired while a connect was still failing.
	 */
	public CompletionStage<@Nullable Throwable> connectAttempt() {
		return this.connection.connectAttempt();
	}

}
