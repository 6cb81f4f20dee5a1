package io.redisbreaker.store;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import io.redisbreaker.core.BreakerStore;
import io.redisbreaker.core.CircuitBreaker;
import io.redisbreaker.core.CircuitBreakerConfigs;
import io.redisbreaker.core.CircuitBreakerRegistry;
import io.redisbreaker.core.CircuitSnapshot;
import io.redisbreaker.core.CircuitState;
import io.redisbreaker.store.memory.InMemoryBreakerStore;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The in-memory fallback follows the same rules as the Redis scripts.
 */
class InMemoryBreakerStoreTests extends BreakerContractTests {

	private final InMemoryBreakerStore store = new InMemoryBreakerStore("memory");

	/** One store for the whole test, as one JVM has one; nothing in it expires, so the key TTL means nothing. */
	@Override
	BreakerStore store(String instanceId, Duration keyTtl) {
		return this.store;
	}

	@Override
	void loseState() {
		this.store.clear();
	}

	@Override
	void awaitKeyTtl(Duration keyTtl) {
		// Nothing in memory expires.
	}

	@Test
	void countsFromAClockThatRanAheadDoNotCountOnceItMovesBack() {
		AtomicLong millis = new AtomicLong(Instant.parse("2026-03-01T12:00:00Z").toEpochMilli());
		InMemoryBreakerStore jumping = new InMemoryBreakerStore("memory", () -> Instant.ofEpochMilli(millis.get()));
		CircuitBreaker breaker = new CircuitBreakerRegistry(jumping,
				CircuitBreakerConfigs.of(config().slidingWindow(Duration.ofSeconds(1))
					.failureRateThreshold(50)
					.minimumCalls(3)
					.build()),
				this.transitions::add, "memory")
			.circuitBreaker("jumped");
		fail(breaker, 2);
		millis.addAndGet(-60_000);
		fail(breaker, 1);
		CircuitSnapshot afterTheJump = breaker.getSnapshot();
		assertThat(afterTheJump.state()).as("failures stamped a minute ahead are not inside the window")
			.isEqualTo(CircuitState.CLOSED);
		assertThat(afterTheJump.calls()).isEqualTo(1);
		assertThat(afterTheJump.consecutiveFailures()).isEqualTo(1);
		fail(breaker, 1);
		millis.addAndGet(2_000);
		assertThat(breaker.getSnapshot().calls()).as("failures after the jump age out").isZero();
		breaker.acquirePermission().recordFailure(new IOException("again"));
		assertThat(breaker.getState()).isEqualTo(CircuitState.CLOSED);
		assertThat(breaker.getSnapshot().calls()).isEqualTo(1);
		assertThat(breaker.getSnapshot().consecutiveFailures()).isEqualTo(1);
	}

}
