package io.redisbreaker.store;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.redisbreaker.testsupport.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The outage's log lines, and the slow-answer rule after an outage. Found by {@code EndpointWithoutRedisTests} on a loaded machine:
 * the answers to operations sent during a restart arrived just after the probe's PING, 2 s after they
 * were sent, counted as three slow answers and took Redis out of the decision path again at once.
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisAvailabilityTests {

	private static final String UNAVAILABLE = "Redis is unavailable for circuit breakers";

	private static final String BACK = "Redis answers again";

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

	/**
	 * Found by the reliability tests: behind a blackholed link the attempt to name the cause hangs for its
	 * 2 s, while the probe brings Redis back after 1 s, so the WARN came after the INFO that Redis answers
	 * again and read as a new outage.
	 */
	@Test
	void anOutageShorterThanTheWaitForItsCauseIsLoggedBeforeItsEnd(CapturedOutput output) {
		CompletableFuture<Throwable> neverConnects = new CompletableFuture<>();
		this.availability.start(() -> CompletableFuture.completedFuture("PONG"), () -> neverConnects, () -> {
		}, () -> {
		});
		this.availability.failed(new RedisAvailability.NoAnswerException("no answer within 250 ms"));
		Await.until(DEADLINE, this.availability::isAvailable, "the probe to bring Redis back");
		Await.until(DEADLINE, () -> output.getOut().contains(BACK), "the INFO that Redis answers again");
		// Past the wait for the cause (2 s): a WARN still to come would have come by now.
		long waited = System.nanoTime();
		Await.until(DEADLINE, () -> System.nanoTime() - waited > Duration.ofMillis(2500).toNanos(), "the wait for the cause to pass");
		String out = output.getOut();
		assertThat(out.indexOf(UNAVAILABLE)).as("the outage's WARN, before its end:%n%s", out).isNotNegative()
			.isLessThan(out.indexOf(BACK));
		assertThat(out.split(UNAVAILABLE, -1)).as("one WARN for one outage:%n%s", out).hasSize(2);
	}

	@Test
	void theCauseNamedByTheConnectionAttemptIsLoggedWhileTheOutageLasts(CapturedOutput output) {
		RedisAvailability slowProbe = new RedisAvailability(Duration.ofMillis(250), SLOW, Duration.ofSeconds(30), "local");
		try {
			slowProbe.start(() -> CompletableFuture.completedFuture("PONG"),
					() -> CompletableFuture.completedFuture(new IOException("Connection refused: localhost/127.0.0.1:6390")),
					() -> {
					}, () -> {
					});
			slowProbe.failed(new RedisAvailability.NoAnswerException("no answer within 250 ms"));
			Await.until(DEADLINE, () -> output.getOut().contains(UNAVAILABLE), "the outage's WARN");
			assertThat(output.getOut()).contains("Connection refused").doesNotContain("no answer within 250 ms");
		}
		finally {
			slowProbe.close();
		}
	}

}
