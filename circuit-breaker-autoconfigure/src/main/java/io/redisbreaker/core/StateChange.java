package io.redisbreaker.core;

import org.jspecify.annotations.Nullable;

/**
 * The result of an operation that may change a breaker's state.
 *
 * @param counted whether an outcome counted (false for outcomes of an older epoch, ignored outcomes,
 * or outcomes in states that record nothing)
 * @param state the state afterwards
 * @param epoch the epoch afterwards
 * @param transition the transition the operation caused, or {@code null}
 */
public record StateChange(boolean counted, CircuitState state, long epoch, @Nullable StateTransition transition) {

	public static StateChange untracked() {
		return new StateChange(false, CircuitState.CLOSED, -1, null);
	}

}
