package io.redisbreaker.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import io.redisbreaker.connection.RedisFailures;
import io.redisbreaker.connection.RedisStartupCheck;
import io.redisbreaker.core.Failures;
import io.redisbreaker.store.redis.BreakerAcl;
import io.redisbreaker.store.redis.BreakerKeys;
import io.redisbreaker.store.redis.RedisBreakerStore;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Runs every command the breaker scripts use, on a reserved breaker's keys, the name index and the
 * transition channel, at startup. A Redis user whose ACL forbids any of them (a read-only user, say)
 * would otherwise pass startup and then make every breaker flap between Redis and its failure policy;
 * this way startup fails and names what is missing.
 * <p>
 * Refused credentials fail startup with the same message as {@link RedisStartupCheck}, whichever of
 * the two runs first. An unreachable or slow Redis is not a configuration error: startup goes on and
 * the failure policy covers it.
 */
final class BreakerStoreStartupCheck implements SmartInitializingSingleton {

	/**
	 * Bound of the check. Well above the breaker's own timeout: a cold first connection on a busy
	 * machine must not pass for an unreachable Redis and skip the check.
	 */
	static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final Log logger = LogFactory.getLog(BreakerStoreStartupCheck.class);

	private final Supplier<@Nullable RedisBreakerStore> store;

	private final BreakerKeys keys;

	private final Duration timeout;

	/**
	 * @param store opens a store for the check, closed after it, or gives {@code null} when the
	 * breakers do not keep their state in Redis (an application's own store), so there is nothing to check
	 * @param keys the keys of the store, named in the failure message
	 */
	BreakerStoreStartupCheck(Supplier<@Nullable RedisBreakerStore> store, BreakerKeys keys) {
		this(store, keys, TIMEOUT);
	}

	BreakerStoreStartupCheck(Supplier<@Nullable RedisBreakerStore> store, BreakerKeys keys, Duration timeout) {
		this.store = store;
		this.keys = keys;
		this.timeout = timeout;
	}

	@Override
	public void afterSingletonsInstantiated() {
		RedisBreakerStore store = this.store.get();
		if (store == null) {
			return;
		}
		try {
			Map<String, String> refused = store.checkPermissions()
				.toCompletableFuture()
				.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
			if (!refused.isEmpty()) {
				// Grouped by reason: a read-only user gets one reason for a dozen commands.
				Map<String, List<String>> byReason = new LinkedHashMap<>();
				refused.forEach(
						(command, reason) -> byReason.computeIfAbsent(reason, (r) -> new ArrayList<>()).add(command));
				throw notPermitted(byReason.entrySet()
					.stream()
					.map((entry) -> String.join(", ", entry.getValue()) + " (" + entry.getKey() + ")")
					.collect(Collectors.joining("; ")), null);
			}
		}
		catch (ExecutionException ex) {
			Throwable cause = Failures.unwrap(ex);
			failOnConfigurationError(cause);
			// The operation may only have seen the connection fail; the connect attempt knows why.
			failOnConfigurationError(store.connectFailure());
			// Unreachable: not a configuration error; the failure policy covers it.
			logger.debug(
					"Skipped the check of the circuit breakers' Redis permissions: " + RedisFailures.describe(cause));
		}
		catch (TimeoutException ex) {
			// A slow handshake is not a reason to let refused credentials pass: the attempt still in
			// progress says how it ended, within one more bound.
			failOnConfigurationError(connectAttemptOutcome(store));
			logger.warn("Skipped the check of the circuit breakers' Redis permissions: no reply within "
					+ this.timeout.toMillis() + " ms");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			logger.warn("Skipped the check of the circuit breakers' Redis permissions: startup was interrupted");
		}
		finally {
			store.close();
		}
	}

	private void failOnConfigurationError(@Nullable Throwable cause) {
		if (cause == null) {
			return;
		}
		if (RedisFailures.isCredentialsRefused(cause)) {
			throw RedisStartupCheck.credentialsRefused(cause);
		}
		if (RedisFailures.isPermissionRefused(cause)) {
			// The scripts themselves (EVALSHA, EVAL) were refused, or the connection's own handshake.
			throw notPermitted(RedisFailures.describe(cause), cause);
		}
	}

	private @Nullable Throwable connectAttemptOutcome(RedisBreakerStore store) {
		try {
			// Lettuce's connect timeout bounds the attempt itself; this only caps the wait for it.
			return store.connectAttempt().toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return store.connectFailure();
		}
		catch (ExecutionException | TimeoutException ex) {
			return store.connectFailure();
		}
	}

	private IllegalStateException notPermitted(String refused, @Nullable Throwable cause) {
		return new IllegalStateException("Redis does not permit the circuit breaker's commands for the configured "
				+ "user (spring.data.redis.username): refused " + refused + ". The user needs "
				+ BreakerAcl.commandList() + " on keys '" + this.keys.prefix() + "*' and channel '"
				+ this.keys.transitionChannel() + "', for example: ACL SETUSER <user> " + BreakerAcl.rules(this.keys),
				cause);
	}

}
