package io.redisbreaker.connection;

import java.util.Locale;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

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
			if (RedisFailures.isCredentialsRefused(ex)) {
				throw credentialsRefused(ex);
			}
			if (RedisFailures.isPermissionRefused(ex)) {
				throw new IllegalStateException("Redis does not permit PING for the configured user (" + rootMessage(ex)
						+ "); the ACL of spring.data.redis.username must allow the commands the application uses", ex);
			}
			logger.warn("Redis is not reachable at startup (" + rootMessage(ex) + tlsHint(factory, ex)
					+ "); Redis calls will be retried and circuit breakers follow circuitbreaker.redis-failure-policy");
		}
	}

	/**
	 * A Redis that serves TLS only drops a plain connection at its first bytes, which the client sees
	 * as a connection reset or closed, or, when the drop beats Lettuce's own handshake setup, as
	 * "RedisHandshakeHandler not registered": worth a word when TLS is off.
	 */
	private static String tlsHint(RedisConnectionFactory factory, Throwable failure) {
		String message = RedisFailures.describe(failure).toLowerCase(Locale.ROOT);
		boolean dropped = message.contains("connection reset") || message.contains("closed")
				|| message.contains("handshakehandler not registered");
		boolean plain = factory instanceof LettuceConnectionFactory lettuce && !lettuce.getClientConfiguration().isUseSsl();
		return (dropped && plain) ? "; if Redis requires TLS, set spring.data.redis.ssl.enabled=true or "
				+ "spring.data.redis.ssl.bundle" : "";
	}

	/**
	 * The startup failure for refused credentials, the same whichever startup check meets them first.
	 */
	public static IllegalStateException credentialsRefused(Throwable failure) {
		return new IllegalStateException("Redis refused the configured credentials (" + rootMessage(failure)
				+ "); check spring.data.redis.username and spring.data.redis.password (a username needs an ACL "
				+ "user that is 'on' with that password; without a username Redis checks the 'default' user)",
				failure);
	}

	static String rootMessage(Throwable failure) {
		Throwable cause = failure;
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		return cause.getClass().getSimpleName() + ": " + cause.getMessage();
	}

}
