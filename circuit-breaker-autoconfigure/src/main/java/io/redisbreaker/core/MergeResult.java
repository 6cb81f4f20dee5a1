package io.redisbreaker.core;

import org.jspecify.annotations.Nullable;

/**
 * The shared state after a batch was merged ({@link BreakerStore#merge}).
 *
 * @param counted whether the batch counted (not for an empty batch, one of another epoch, one seen
 * before, or one that found the breaker in a state that counts nothing)
 * @param state the state afterwards
 * @param epoch the epoch afterwards
 * @param openRemainingMillis while {@code OPEN}, how long until a trial may be permitted, as the store
 * measured it; else 0
 * @param calls calls counted in the sliding window
 * @param failedCalls failed calls in the sliding window
 * @param slowCalls slow calls in the sliding window
 * @param consecutiveFailures the current run of failures inside the window
 * @param transition the transition the batch caused, or {@code null}
 * @param heldBack why the shared breaker would have opened, had at least
 * {@link CircuitBreakerConfig#getMinimumFailingInstances()} instances been failing; empty otherwise. The
 * instance that sent the batch then opens for itself alone.
 */
public record MergeResult(boolean counted, CircuitState state, long epoch, long openRemainingMillis, long calls,
		long failedCalls, long slowCalls, long consecutiveFailures, @Nullable StateTransition transition,
		String heldBack) {

}
