package io.redisbreaker.core;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * The answer to "may this call run?".
 *
 * @param allowed whether the call may run
 * @param state the state the decision was made in
 * @param epoch the state epoch the call runs under; its outcome counts only while the epoch lasts
 * @param permitId the trial permit the call holds in half-open state, or {@code null}
 * @param retryAfter when rejected, how long until a trial may be permitted; {@code null} if unknown
 * @param issuer which store decided, so the outcome goes back to the same one
 * @param transition the transition this decision caused (open to half-open), or {@code null}
 */
public record Admission(boolean allowed, CircuitState state, long epoch, @Nullable String permitId,
		@Nullable Duration retryAfter, Issuer issuer, @Nullable StateTransition transition) {

	/** Which store decided, and so which store the outcome is reported to. */
	public enum Issuer {

		/** The shared (Redis) store. */
		SHARED,

		/** An in-memory store. */
		LOCAL,

		/** No store: the call runs unprotected and its outcome is dropped (Redis down, policy allow). */
		NONE

	}

	public static Admission untracked(boolean allowed, CircuitState state) {
		return new Admission(allowed, state, -1, null, null, Issuer.NONE, null);
	}

}
