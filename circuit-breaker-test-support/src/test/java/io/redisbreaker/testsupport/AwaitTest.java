package io.redisbreaker.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {

	@Test
	void returnsOnceTheConditionHolds() {
		AtomicInteger calls = new AtomicInteger();
		Await.until(Duration.ofSeconds(5), () -> calls.incrementAndGet() >= 3, "three calls");
		assertThat(calls).hasValue(3);
	}

	@Test
	void returnsTheFirstAcceptedValueAndToleratesExceptions() {
		AtomicInteger calls = new AtomicInteger();
		int value = Await.value(Duration.ofSeconds(5), () -> {
			int n = calls.incrementAndGet();
			if (n == 1) {
				throw new IllegalStateException("not yet");
			}
			return n;
		}, n -> n >= 4, "a value of at least 4");
		assertThat(value).isEqualTo(4);
	}

	@Test
	void failsWithTheDescriptionAndLastFailure() {
		long start = System.nanoTime();
		assertThatThrownBy(() -> Await.until(Duration.ofMillis(100), () -> {
			throw new IllegalStateException("boom");
		}, "the impossible"))
				.isInstanceOf(AssertionError.class)
				.hasMessageContaining("the impossible")
				.hasRootCauseMessage("boom");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
		assertThatThrownBy(() -> Await.value(Duration.ofMillis(50), () -> 7, n -> n > 7, "more"))
				.hasMessageContaining("last value: 7");
	}
}
