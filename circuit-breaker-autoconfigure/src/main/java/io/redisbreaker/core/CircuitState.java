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
	DISABLED;

	/** The value exported as a gauge: 0 closed, 1 open, 2 half-open, 3 forced open, 4 disabled. */
	public int code() {
		return ordinal();
	}

}
