package io.redisbreaker.core;

/**
 * A change of a breaker's state.
 *
 * @param circuitBreakerName the breaker
 * @param from the state before
 * @param to the state after
 * @param epoch the new state epoch; outcomes of calls admitted under an older epoch are ignored
 * @param reason why, as written to the transition log (for example {@code failures: 5/5})
 * @param origin the id of the instance that made the transition
 * @param local whether this instance made the transition (as opposed to learning of it from another)
 */
public record StateTransition(String circuitBreakerName, CircuitState from, CircuitState to, long epoch, String reason,
		String origin, boolean local) {

	@Override
	public String toString() {
		return "Circuit " + this.circuitBreakerName + ": " + this.from + " → " + this.to + " (" + this.reason + ")";
	}

}
