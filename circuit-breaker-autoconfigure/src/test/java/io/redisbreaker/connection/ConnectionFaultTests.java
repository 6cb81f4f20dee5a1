package io.redisbreaker.connection;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.redisbreaker.core.CircuitBreaker;
import io.redisbreaker.core.CircuitBreakerRegistry;
import io.redisbreaker.testsupport.Await;
import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.TcpProxy;
import io.redisbreaker.testsupport.WithRedisServer;
import org.junit.jupiter.api.Test;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The fault scenarios of the source incident and of Lettuce's known weak spots, against a real
 * redis-server: killed connections, silently dropped connections, restarts.
 */
@WithRedisServer
class ConnectionFaultTests {

	private final RedisServer server;

	ConnectionFaultTests(RedisServer server) {
		this.server = server;
	}

	@Test
	void aConnectionKilledBeforeEachRequestFailsNoRequest() {
		RedisClientContexts.starter(this.server.host(), this.server.port()).run((context) -> {
			StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
			assertThat(redis).isInstanceOf(RetryingStringRedisTemplate.class);
			int failures = 0;
			for (int i = 0; i < 5; i++) {
				redis.opsForValue().get("warm-up");
				assertThat(killVictims()).as("connections killed before request " + i).isPositive();
				try {
					redis.opsForValue().set("webhook_frequency_" + i, "1");
					assertThat(redis.opsForValue().get("webhook_frequency_" + i)).isEqualTo("1");
					redis.delete("webhook_frequency_" + i);
				}
				catch (DataAccessException ex) {
					failures++;
				}
			}
			assertThat(failures).isZero();
		});
	}

	@Test
	void aRequestMadeRightAfterTheServerClosedTheConnectionNeverWaitsForTheCommandTimeout() {
		// The kill and the request race: the request's write may reach the channel after it closed. Lettuce
		// then asks the replay filter whether to queue it again, and used to drop a SET without failing it,
		// so the request waited out the 2 s command timeout (about one kill in ten).
		RedisClientContexts.starter(this.server.host(), this.server.port()).run((context) -> {
			StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
			redis.opsForValue().get("warm-up");
			List<String> slowOrFailed = new ArrayList<>();
			for (int i = 0; i < 100; i++) {
				killVictims();
				long started = System.nanoTime();
				String outcome;
				try {
					redis.opsForValue().set("webhook_frequency_" + i, "1");
					outcome = "1".equals(redis.opsForValue().get("webhook_frequency_" + i)) ? "ok" : "wrong value";
				}
				catch (DataAccessException ex) {
					outcome = RedisFailures.describe(ex);
				}
				Duration took = Duration.ofNanos(System.nanoTime() - started);
				if (!outcome.equals("ok") || took.compareTo(Duration.ofSeconds(1)) >= 0) {
					slowOrFailed.add("request " + i + ": " + took.toMillis() + " ms, " + outcome);
				}
			}
			assertThat(slowOrFailed).isEmpty();
			assertThat(context.getBean(ConnectionRecovery.class).resets()).as("resets after a timeout").isZero();
		});
	}

	@Test
	void aNonIdempotentCommandMadeRightAfterTheServerClosedTheConnectionFailsFastOrRunsOnce() {
		RedisClientContexts.starter(this.server.host(), this.server.port()).run((context) -> {
			StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
			redis.opsForValue().get("warm-up");
			int succeeded = 0;
			List<String> slow = new ArrayList<>();
			for (int i = 0; i < 50; i++) {
				killVictims();
				long started = System.nanoTime();
				try {
					redis.opsForValue().increment("counter");
					succeeded++;
				}
				catch (DataAccessException ex) {
					// In flight when the connection closed: it may have run, so it is not retried.
				}
				Duration took = Duration.ofNanos(System.nanoTime() - started);
				if (took.compareTo(Duration.ofSeconds(1)) >= 0) {
					slow.add("INCR " + i + ": " + took.toMillis() + " ms");
				}
			}
			assertThat(slow).isEmpty();
			assertThat(succeeded).as("increments that succeeded").isPositive();
			assertThat(redis.opsForValue().get("counter")).as("no increment ran twice").isEqualTo(String.valueOf(succeeded));
		});
	}

	@Test
	void withoutRetriesAKilledConnectionFailsRequests() {
		// Commands fail fast while disconnected, so the retry is what hides the kill.
		RedisClientContexts.starter(this.server.host(), this.server.port())
			.withPropertyValues("circuitbreaker.redis-client.retry.enabled=false")
			.run((context) -> {
				StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
				int failures = 0;
				for (int i = 0; i < 5; i++) {
					Await.until(Duration.ofSeconds(5), () -> answers(redis), "the connection to be back");
					killVictims();
					try {
						redis.opsForValue().set("key", "1");
					}
					catch (DataAccessException ex) {
						failures++;
					}
				}
				assertThat(failures).isEqualTo(5);
			});
	}

	@Test
	void aSilentlyDroppedConnectionIsReplacedWithinTheCommandTimeout() {
		try (TcpProxy proxy = TcpProxy.start(this.server)) {
			RedisClientContexts.starter(proxy.host(), proxy.port())
				.withPropertyValues("spring.data.redis.timeout=1s")
				.run((context) -> {
					StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
					redis.opsForValue().set("key", "before");
					proxy.dropExisting();
					List<Duration> latencies = new ArrayList<>();
					for (int i = 0; i < 5; i++) {
						long started = System.nanoTime();
						assertThat(redis.opsForValue().get("key")).isEqualTo("before");
						latencies.add(Duration.ofNanos(System.nanoTime() - started));
					}
					// The first request waits out one command timeout, resets, and succeeds on a new connection.
					assertThat(latencies.get(0)).isGreaterThanOrEqualTo(Duration.ofSeconds(1))
						.isLessThan(Duration.ofSeconds(5));
					assertThat(context.getBean(ConnectionRecovery.class).resets()).isEqualTo(1);
				});
		}
	}

	@Test
	void requestsRecoverSoonAfterARestartAndNoneHangsWhileTheServerIsDown() {
		RedisClientContexts.starter(this.server.host(), this.server.port()).run((context) -> {
			StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
			redis.opsForValue().set("key", "value");
			this.server.stop();
			for (int i = 0; i < 3; i++) {
				long started = System.nanoTime();
				assertThatExceptionOfType(DataAccessException.class).isThrownBy(() -> redis.opsForValue().get("key"));
				// Fails fast while disconnected; the retry budget (0.1 + 0.2 + 0.4 s) bounds the wait.
				assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
			}
			this.server.start();
			long back = System.nanoTime();
			Await.until(Duration.ofSeconds(10), () -> answers(redis), "a request to succeed after the restart");
			Duration recovery = Duration.ofNanos(System.nanoTime() - back);
			assertThat(recovery).as("time from restart to the first successful write").isLessThan(Duration.ofSeconds(3));
		});
	}

	@Test
	void aBreakerDecisionNeverWaitsForAConnectionToADeadRedis() throws Exception {
		try (TcpProxy proxy = TcpProxy.start(this.server)) {
			RedisClientContexts.starter(proxy.host(), proxy.port()).run((context) -> {
				CircuitBreaker breaker = context.getBean(CircuitBreakerRegistry.class).circuitBreaker("payments");
				breaker.acquirePermission().recordSuccess();
				// The path to Redis goes silent and the shared connection is reset: opening a new one
				// would block until the connect timeout.
				proxy.blackhole();
				context.getBean(LettuceConnectionFactory.class).resetConnection();
				ExecutorService callers = Executors.newFixedThreadPool(4);
				List<Future<Duration>> calls = new ArrayList<>();
				for (int i = 0; i < 4; i++) {
					calls.add(callers.submit(() -> {
						long started = System.nanoTime();
						breaker.acquirePermission().recordSuccess();
						return Duration.ofNanos(System.nanoTime() - started);
					}));
				}
				for (Future<Duration> call : calls) {
					// The 250 ms breaker timeout bounds the decision, not the 2 s connect timeout.
					assertThat(call.get()).isLessThan(Duration.ofMillis(1000));
				}
				callers.shutdown();
			});
		}
	}

	private static boolean answers(StringRedisTemplate redis) {
		try {
			redis.opsForValue().get("warm-up");
			return true;
		}
		catch (DataAccessException ex) {
			return false;
		}
	}

	private long killVictims() {
		return (Long) this.server.command("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes");
	}

}
