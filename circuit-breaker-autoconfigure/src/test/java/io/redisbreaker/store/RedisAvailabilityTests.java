package io.redisbreaker.store;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.redisbreaker.testsupport.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The slow-answer rule after an outage. Found by {@code EndpointWithoutRedisTests} on a loaded machine:
 * the answers to operations sent during a restart arrived just after the probe's PING, 2 s after they
 * were sent, counted as three slow answers and took Redis out of the decision path again at once.
 */
class RedisAvailabilityTests {

	private static final Duration SLOW = Duration.ofMillis(10);

	private static final Duration DEADLINE = Duration.ofSeconds(10);

	private final RedisAvailability availability = new RedisAvailability(Duration.ofMillis(250), SLOW,
			Duration.ofMillis(20), "local");

	@AfterEach
	void close() {
		this.availability.close();
	}

	@Test
	void answersToOperationsSentBeforeRedisCameBackAreNotSlowAnswers() {
		this.availability.start(() -> CompletableFuture.completedFuture("PONG"), () -> CompletableFuture.completedFuture(null),
				() -> {
				}, () -> {
				});
		long sentDuringTheOutage = System.nanoTime();
		this.availability.failed(new IOException("Connection reset"));
		assertThat(this.availability.isAvailable()).isFalse();
		Await.until(DEADLINE, this.availability::isAvailable, "the probe to bring Redis back");
		assertThat(System.nanoTime() - sentDuringTheOutage).isGreaterThan(SLOW.toNanos());

		for (int i = 0; i < RedisAvailability.SLOW_ANSWERS_TO_LEAVE; i++) {
			this.availability.answered(sentDuringTheOutage);
		}
		assertThat(this.availability.isAvailable()).as("Redis in the decision path after late answers").isTrue();

		// The rule itself still holds for operations sent since.
		long sentSince = System.nanoTime();
		Await.until(DEADLINE, () -> System.nanoTime() - sentSince > SLOW.toNanos(), "an answer to be slow");
		for (int i = 0; i < RedisAvailability.SLOW_ANSWERS_TO_LEAVE; i++) {
			this.availability.answered(sentSince);
		}
		assertThat(this.availability.isAvailable()).as("Redis in the decision path after slow answers").isFalse();
	}

}
