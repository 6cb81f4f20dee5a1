package io.redisbreaker.connection;

import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Asks Redis once at startup. Refused credentials are a configuration error that no retry fixes, so
 * they fail startup with a message that says where to look; an unreachable Redis is only a warning,
 * since it may come up later and the breakers know what to do meanwhile.
 */
public final class RedisStartupCheck implements SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(RedisStartupCheck.class);

	private final Supplier<@Nullable RedisConnectionFactory> connectionFactory;

	public RedisStartupCheck(Supplier<@Nullable RedisConnectionFactory> connectionFactory) {
		this.connectionFactory = connectionFactory;
	}

	@Override
	public void afterSingletonsInstantiated() {
		RedisConnectionFactory factory = this.connectionFactory.get();
		if (factory == null) {
			return;
		}
		try (RedisConnection connection = factory.getConnection()) {
			connection.ping();
		}
		catch (RuntimeException ex) {
			if (RedisFailures.classify(ex) == RedisFailures.Kind.DENIED) {
				throw new IllegalStateException("Redis refused the configured credentials or permissions ("
						+ rootMessage(ex) + "); check spring.data.redis.username and spring.data.redis.password "
						+ "(or the ACL of that user)", ex);
			}
			logger.warn("Redis is not reachable at startup (" + rootMessage(ex)
					+ "); Redis calls will be retried and circuit breakers follow circuitbreaker.redis-failure-policy");
		}
	}

	static String rootMessage(Throwable failure) {
		Throwable cause = failure;
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		return cause.getClass().getSimpleName() + ": " + cause.getMessage();
	}

}
