package io.redisbreaker.core;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A breaker's state and counts at one moment, as read from its store.
 *
 * @param name the breaker
 * @param state the state
 * @param epoch the state epoch
 * @param changedAt when the state last changed (store time), or {@code null} if it never did
 * @param reason why it last changed, or empty
 * @param nextTrialAt when an open breaker permits trial calls (store time), or {@code null}
 * @param consecutiveFailures the current run of failures still inside the sliding window
 * @param calls calls counted in the sliding window
 * @param failedCalls failed calls in the sliding window
 * @param slowCalls slow calls in the sliding window
 * @param trialCallsInFlight half-open trial permits currently held
 * @param trialSuccesses successful trial calls in the current half-open period
 * @param reopens consecutive failed half-open periods (drives the growing open timeout)
 * @param openedAt when the breaker last opened (store time), or {@code null} if it never did
 * @param stored whether the store holds any state or counts of the breaker (a breaker nobody used, or
 * whose keys expired, is {@code CLOSED} with nothing stored)
 * @param settingsHash the {@linkplain CircuitBreakerConfig#settingsHash() settings hash} the last
 * instance to check its settings recorded, or empty
 * @param source where the state was read
 */
public record CircuitSnapshot(String name, CircuitState state, long epoch, @Nullable Instant changedAt, String reason,
		@Nullable Instant nextTrialAt, int consecutiveFailures, long calls, long failedCalls, long slowCalls,
		int trialCallsInFlight, int trialSuccesses, int reopens, @Nullable Instant openedAt, boolean stored,
		String settingsHash, Source source) {

	/** Where a snapshot was read. */
	public enum Source {

		/** The shared store every instance uses. */
		SHARED,

		/** This instance's own breaker, which decides while the shared store cannot. */
		LOCAL

	}

	/** The same snapshot, as read from another source. */
	public CircuitSnapshot from(Source source) {
		return new CircuitSnapshot(this.name, this.state, this.epoch, this.changedAt, this.reason, this.nextTrialAt,
				this.consecutiveFailures, this.calls, this.failedCalls, this.slowCalls, this.trialCallsInFlight,
				this.trialSuccesses, this.reopens, this.openedAt, this.stored, this.settingsHash, source);
	}

	/** Failure rate in percent of the calls in the window, or -1 when there are none. */
	public float failureRate() {
		return (this.calls == 0) ? -1 : this.failedCalls * 100f / this.calls;
	}

	/** Slow-call rate in percent of the calls in the window, or -1 when there are none. */
	public float slowCallRate() {
		return (this.calls == 0) ? -1 : this.slowCalls * 100f / this.calls;
	}

	/** Time left until trial calls are permitted, zero if they already are, {@code null} if not open. */
	public @Nullable Duration remainingOpen(Instant now) {
		if (this.nextTrialAt == null || this.state != CircuitState.OPEN) {
			return null;
		}
		Duration left = Duration.between(now, this.nextTrialAt);
		return left.isNegative() ? Duration.ZERO : left;
	}

}
