package io.redisbreaker.core;

/**
 * The states of a circuit breaker. A breaker with no state stored anywhere is {@link #CLOSED}.
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
