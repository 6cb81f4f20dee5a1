package io.redisbreaker.connection;

import java.time.Duration;
import java.util.Map;

import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.WithRedisServer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What the retry must never do: retry a command's own error, or run a command twice that may already
 * have run.
 */
@WithRedisServer
class RetrySafetyTests {

	private final RedisServer server;

	RetrySafetyTests(RedisServer server) {
		this.server = server;
	}

	@Test
	void commandErrorsAreNotRetried() {
		RedisClientContexts.starter(this.server.host(), this.server.port()).run((context) -> {
			StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
			redis.opsForList().leftPush("a-list", "x");
			this.server.command("CONFIG", "RESETSTAT");
			assertThatExceptionOfType(DataAccessException.class).isThrownBy(() -> redis.opsForValue().get("a-list"))
				.withStackTraceContaining("WRONGTYPE");
			assertThat(calls("get")).isEqualTo(1);
		});
	}

	@Test
	void aTimedOutIncrementIsNotRunAgainButATimedOutReadIs() {
		timingOutWithoutReset().run((context) -> {
				StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
				redis.opsForValue().set("counter", "0");
				this.server.command("CONFIG", "RESETSTAT");
				// The server holds every command for 1 s: the increment times out in flight.
				this.server.command("CLIENT", "PAUSE", "1000", "ALL");
				assertThatExceptionOfType(QueryTimeoutException.class)
					.isThrownBy(() -> redis.opsForValue().increment("counter"));
				// The read times out too, but is retried until the pause ends.
				assertThat(redis.opsForValue().get("counter")).isEqualTo("1");
				assertThat(calls("incr")).as("INCR ran exactly once").isEqualTo(1);
			});
	}

	@Test
	void setIfAbsentIsNotRetriedAfterATimeout() {
		timingOutWithoutReset().run((context) -> {
				StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
				this.server.command("CLIENT", "PAUSE", "1000", "ALL");
				// A retry would find the key its own first attempt set and wrongly report "not acquired".
				assertThatExceptionOfType(QueryTimeoutException.class)
					.isThrownBy(() -> redis.opsForValue().setIfAbsent("lock", "me", Duration.ofSeconds(30)));
				assertThat(redis.opsForValue().get("lock")).isEqualTo("me");
			});
	}

	@Test
	void aWriteWhoseReplyCountsChangesIsNotRetriedAfterATimeout() {
		timingOutWithoutReset().run((context) -> {
				StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
				this.server.command("CLIENT", "PAUSE", "1000", "ALL");
				// SADD converges, but a retry would answer 0 ("someone else claimed it") to the caller
				// whose first attempt did the claiming.
				assertThatExceptionOfType(QueryTimeoutException.class)
					.isThrownBy(() -> redis.opsForSet().add("claimed", "job:42"));
				assertThat(redis.opsForSet().isMember("claimed", "job:42")).isTrue();
			});
	}

	@Test
	void busyGroupIsTheCommandsOwnErrorAndNotRetried() {
		RedisClientContexts.starter(this.server.host(), this.server.port()).run((context) -> {
			StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
			redis.opsForStream().add("events", Map.of("a", "1"));
			redis.opsForStream().createGroup("events", "workers");
			this.server.command("CONFIG", "RESETSTAT");
			assertThatExceptionOfType(DataAccessException.class)
				.isThrownBy(() -> redis.opsForStream().createGroup("events", "workers"))
				.withStackTraceContaining("BUSYGROUP");
			assertThat(calls("xgroup|create")).isEqualTo(1);
		});
	}

	@Test
	void aBlockingCommandThatTimesOutDoesNotResetTheSharedConnection() {
		RedisClientContexts.starter(this.server.host(), this.server.port())
			.withPropertyValues("spring.data.redis.timeout=500ms")
			.run((context) -> {
				StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
				// Waiting longer than the command timeout: the timeout says nothing about the connection.
				assertThatExceptionOfType(QueryTimeoutException.class)
					.isThrownBy(() -> redis.opsForList().leftPop("empty-queue", Duration.ofSeconds(2)));
				assertThat(context.getBean(ConnectionRecovery.class).resets()).isZero();
			});
	}

	/**
	 * A short command timeout, and the connection kept after a timeout, so a command held by
	 * {@code CLIENT PAUSE} still runs on the server when the pause ends, as one in flight would.
	 */
	private ApplicationContextRunner timingOutWithoutReset() {
		return RedisClientContexts.starter(this.server.host(), this.server.port())
			.withPropertyValues("spring.data.redis.timeout=300ms", "circuitbreaker.redis-client.reset-on-timeout=false");
	}

	private long calls(String command) {
		Map<String, String> stats = this.server.info("commandstats");
		String line = stats.get("cmdstat_" + command);
		if (line == null) {
			return 0;
		}
		return Long.parseLong(line.replaceAll("^calls=(\\d+),.*$", "$1"));
	}

}
