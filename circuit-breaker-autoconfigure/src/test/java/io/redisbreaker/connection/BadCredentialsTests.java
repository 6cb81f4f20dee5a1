package io.redisbreaker.connection;

import io.redisbreaker.autoconfigure.CircuitProtectedAutoConfiguration;
import io.redisbreaker.autoconfigure.RedisClientAutoConfiguration;
import io.redisbreaker.testsupport.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Wrong credentials and missing permissions are configuration errors: they must say so clearly, once,
 * instead of being retried.
 */
class BadCredentialsTests {

	private static RedisServer server;

	@BeforeAll
	static void start() {
		server = RedisServer.startProcess("--requirepass", "secret");
		server.command("ACL", "SETUSER", "no-scripts", "on", ">pw", "~*", "&*", "+@all", "-eval", "-evalsha");
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	@Test
	void aWrongPasswordFailsStartupWithAClearMessage() {
		RedisClientContexts.starter(server.host(), server.port())
			.withPropertyValues("spring.data.redis.password=wrong")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("WRONGPASS");
				assertThat(context.getStartupFailure()).hasStackTraceContaining(
						"Redis refused the configured credentials")
					.hasStackTraceContaining("spring.data.redis.password");
			});
	}

	@Test
	void aWrongPasswordGetsTheCredentialsMessageFromTheBreakersCheckToo() {
		// Without the hardened client there is no RedisStartupCheck: the breaker's check is the only one,
		// as it is whenever it happens to run first.
		RedisClientContexts.starter(server.host(), server.port())
			.withPropertyValues("spring.data.redis.password=wrong", "circuitbreaker.redis-client.enabled=false")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).hasMessageContaining("Redis refused the configured credentials")
					.hasMessageContaining("WRONGPASS")
					.hasMessageContaining("spring.data.redis.username and spring.data.redis.password")
					.hasStackTraceContaining("WRONGPASS")
					.message()
					.doesNotContain("does not permit");
			});
	}

	@Test
	void aMissingPasswordGetsTheCredentialsMessage() {
		RedisClientContexts.starter(server.host(), server.port())
			.withPropertyValues("circuitbreaker.redis-client.enabled=false")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).hasMessageContaining("Redis refused the configured credentials")
					.hasMessageContaining("NOAUTH");
			});
	}

	@Test
	void aWrongPasswordIsNotRetried() {
		// Lettuce's own handshake may connect more than once; retries would multiply that.
		assertThat(connectionAttemptsForOneRequest(true)).isEqualTo(connectionAttemptsForOneRequest(false))
			.isLessThanOrEqualTo(2);
	}

	private long connectionAttemptsForOneRequest(boolean retry) {
		// A server of its own: a connection attempt left over from an earlier test in this class once counted
		// here (3 instead of 2, in a clean-clone CI run).
		try (RedisServer own = RedisServer.startProcess("--requirepass", "secret")) {
			return connectionAttemptsForOneRequest(own, retry);
		}
	}

	private static long connectionAttemptsForOneRequest(RedisServer own, boolean retry) {
		long[] attempts = new long[1];
		// Without the breakers, whose Pub/Sub subscription makes connection attempts of its own.
		RedisClientContexts.plainBoot(own.host(), own.port())
			.withConfiguration(AutoConfigurations.of(RedisClientAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.password=wrong", "circuitbreaker.redis-client.verify-on-startup=false",
					"circuitbreaker.redis-client.retry.enabled=" + retry)
			.run((context) -> {
				StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
				long before = connectionsReceived(own);
				assertThatExceptionOfType(DataAccessException.class).isThrownBy(() -> redis.opsForValue().get("key"))
					.withStackTraceContaining("WRONGPASS");
				attempts[0] = connectionsReceived(own) - before;
			});
		return attempts[0];
	}

	@Test
	void aUserWhoMayNotRunTheBreakerScriptsFailsStartupWithAClearMessage() {
		RedisClientContexts.starter(server.host(), server.port())
			.withConfiguration(AutoConfigurations.of(CircuitProtectedAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.username=no-scripts", "spring.data.redis.password=pw")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure())
					.hasStackTraceContaining("Redis does not permit the circuit breaker's commands")
					.hasStackTraceContaining("NOPERM");
			});
	}

	private static long connectionsReceived(RedisServer own) {
		return Long.parseLong(own.info("stats").get("total_connections_received"));
	}

}
