package io.redisbreaker.autoconfigure;

import java.time.Duration;

import io.redisbreaker.core.CircuitBreaker;
import io.redisbreaker.core.CircuitBreakerRegistry;
import io.redisbreaker.core.CircuitState;
import io.redisbreaker.core.BreakerStore;
import io.redisbreaker.store.FailoverBreakerStore;
import io.redisbreaker.testsupport.Await;
import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.WithRedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@code FLUSHALL} and {@code SCRIPT FLUSH} while the application runs: business calls keep working,
 * the lost state is detected, logged once with what to do and counted, and the index and state come
 * back with the next writes.
 */
@WithRedisServer
@ExtendWith(OutputCaptureExtension.class)
class RedisFlushedMidRunTests {

	private final RedisServer server;

	RedisFlushedMidRunTests(RedisServer server) {
		this.server = server;
	}

	@Test
	void anOpenBreakerLostToFlushallIsDetectedOnceAndTheIndexHealsOnTheNextWrite(CapturedOutput output) {
		BreakerTestContexts.runner(this.server)
			.withPropertyValues("circuitbreaker.defaults.failure-threshold=2")
			.run((context) -> {
				CircuitBreakerRegistry registry = context.getBean(CircuitBreakerRegistry.class);
				FailoverBreakerStore store = (FailoverBreakerStore) context.getBean(BreakerStore.class);
				CircuitBreaker open = registry.circuitBreaker("flushed/open");
				CircuitBreaker other = registry.circuitBreaker("flushed/other");
				fail(open);
				fail(open);
				BreakerTestContexts.awaitRedisState(this.server, "flushed/open", "OPEN");
				assertThat(open.tryAcquirePermission()).isEmpty();
				assertThat(registry.getAllNames()).contains("flushed/open", "flushed/other");

				this.server.command("FLUSHALL");
				this.server.command("SCRIPT", "FLUSH");

				// The next read finds no state: closed (at the latest once the local view, still open, is
				// max-staleness old), and said so once.
				Await.until(Duration.ofSeconds(10), () -> open.tryAcquirePermission().map((permit) -> {
					permit.recordSuccess();
					return true;
				}).orElse(false), "the breaker whose state was lost to admit calls again");
				assertThat(other.executeSupplier(() -> "ok")).isEqualTo("ok");
				// Found by whichever answer came first (the view's read, on a Redis I/O thread): wait for its
				// warning before counting it.
				Await.until(Duration.ofSeconds(10), () -> output.getAll().contains("Circuit breaker 'flushed/open' was OPEN"),
						"the lost state's warning");
				assertThat(store.getLostStates()).isEqualTo(1);
				assertThat(output.getAll()).containsOnlyOnce("Circuit breaker 'flushed/open' was OPEN but Redis holds "
						+ "no state for it any more");
				assertThat(store.isRedisAvailable()).isTrue();
				// The emptied script cache is no outage either: noticed, reloaded, said once.
				assertThat(store.getScriptReloads()).isPositive();
				assertThat(output.getAll()).containsOnlyOnce("Redis no longer had the circuit breaker scripts");
				// Their writes list both again, and the breaker counts afresh.
				Await.until(Duration.ofSeconds(10),
						() -> registry.getAllNames().containsAll(java.util.List.of("flushed/open", "flushed/other")),
						"both names listed again");
				fail(open);
				fail(open);
				BreakerTestContexts.awaitRedisState(this.server, "flushed/open", "OPEN");
				assertThat(open.getState()).isEqualTo(CircuitState.OPEN);
			});
	}

	private static void fail(CircuitBreaker breaker) {
		assertThatIllegalStateException().isThrownBy(() -> breaker.executeSupplier(() -> {
			throw new IllegalStateException("down");
		}));
	}

}
