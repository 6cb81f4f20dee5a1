package io.redisbreaker.core;

import java.time.Instant;

/**
 * One transition as the store keeps it for the fleet's history: each transition is recorded once, by
 * the operation that made it.
 *
 * @param circuitBreakerName the breaker
 * @param instance the id of the instance that made the transition
 * @param from the state before
 * @param to the state after
 * @param reason why
 * @param epoch the new epoch
 * @param at when (store time)
 */
public record TransitionRecord(String circuitBreakerName, String instance, CircuitState from, CircuitState to,
		String reason, long epoch, Instant at) {
}
