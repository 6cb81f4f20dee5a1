package io.redisbreaker.core;

/**
 * The states of a circuit breaker. A breaker with no state stored anywhere is {@link #CLOSED}.
 *
 * <p>The rules that move a breaker between these states live in two places that must agree: the Lua
 * scripts the Redis store runs atomically ({@code io/redisbreaker/store/redis/*.lua}, shared functions
 * in {@code common.lua}) and their in-memory twin {@code io.redisbreaker.store.memory.BreakerStateMachine},
 * whose methods carry the script functions' names. The store contract tests hold both to the same
 * behaviour.
 */
public enum CircuitState {

	/** Calls run and their outcomes are counted. */
	CLOSED,

	/** Calls are rejected until the open timeout has elapsed. */
	OPEN,

	/** A limited number of trial calls decide whether to close or open again. */
	HALF_OPEN,

	/** Set by an operator: every call is rejected until the breaker is closed again. */
	FORCED_OPEN,

	/** Set by an operator: every call runs and nothing is recorded until the breaker is closed again. */
	DISABLED

}
