package io.redisbreaker.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.redisbreaker.testsupport.Await;
import io.redisbreaker.testsupport.RedisServer;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Application contexts for the integration tests: Spring Boot's Redis and AOP auto-configuration plus
 * ours, pointed at the test's own Redis server.
 */
final class BreakerTestContexts {

	private BreakerTestContexts() {
	}

	/** A runner against {@code server}, with {@link #redisProperties(RedisServer)}. */
	static ApplicationContextRunner runner(RedisServer server) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, AopAutoConfiguration.class,
					CircuitBreakerAutoConfiguration.class, CircuitProtectedAutoConfiguration.class))
			.withPropertyValues(redisProperties(server));
	}

	/**
	 * The properties that point an application at {@code server}. The Redis timeout is raised from its
	 * 250 ms default so that a cold JVM on a busy machine never makes the store fail over to memory in
	 * the middle of a test.
	 */
	static String[] redisProperties(RedisServer server) {
		return new String[] { "spring.data.redis.host=" + server.host(), "spring.data.redis.port=" + server.port(),
				"circuitbreaker.redis-timeout=5s" };
	}

	/** The {@code state} field of a breaker's Redis hash under the default prefix, or {@code null}. */
	static @Nullable Object redisState(RedisServer server, String breaker) {
		return server.command("HGET", "cb:{" + breaker + "}", "state");
	}

	/**
	 * Waits until a breaker's {@code state} field in Redis is {@code expected}. Outcomes are sent
	 * without the caller waiting, and the test reads on a connection of its own, so the state it reads
	 * right after a call may not have arrived yet.
	 */
	static void awaitRedisState(RedisServer server, String breaker, String expected) {
		Await.until(Duration.ofSeconds(10), () -> expected.equals(redisState(server, breaker)),
				breaker + " to be " + expected + " in Redis");
	}

	/** The messages of a failure and all its causes, outermost first, one per line. */
	static String messages(Throwable failure) {
		List<String> messages = new ArrayList<>();
		for (Throwable current = failure; current != null; current = current.getCause()) {
			messages.add(current.getClass().getSimpleName() + ": " + current.getMessage());
			if (current.getCause() == current) {
				break;
			}
		}
		return String.join("\n", messages);
	}

}
