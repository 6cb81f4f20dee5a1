package io.redisbreaker.autoconfigure;

import io.redisbreaker.connection.RedisFailures;
import io.redisbreaker.core.CircuitBreakerConfig;
import io.redisbreaker.core.Failures;
import io.redisbreaker.store.BreakerStore;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Runs one read-only breaker script at startup. A Redis user whose ACL forbids the breaker's commands
 * or keys would otherwise only show up later, as every breaker quietly falling back to its failure
 * policy; this way startup fails and says why.
 */
final class BreakerStoreStartupCheck implements SmartInitializingSingleton {

	private final BreakerStore store;

	BreakerStoreStartupCheck(BreakerStore store) {
		this.store = store;
	}

	@Override
	public void afterSingletonsInstantiated() {
		try {
			this.store.snapshot("startup-check", CircuitBreakerConfig.ofDefaults()).toCompletableFuture().join();
		}
		catch (RuntimeException ex) {
			Throwable cause = Failures.unwrap(ex);
			if (RedisFailures.classify(cause) == RedisFailures.Kind.DENIED) {
				throw new IllegalStateException("Redis does not permit the circuit breaker's commands ("
						+ cause.getMessage() + "); the Redis user needs EVALSHA, EVAL, SADD, SMEMBERS, PUBLISH and "
						+ "SUBSCRIBE, and access to the keys and channels under circuitbreaker.key-prefix", cause);
			}
			// Unreachable or slow: not a configuration error; the failure policy covers it.
		}
	}

}
