package io.redisbreaker.core;


/**
 * Commands an operator gives a breaker; they act on the shared state, so every instance follows.
 */
public enum OperatorCommand {

	/** Reject every call until closed again; never expires. */
	FORCE_OPEN(CircuitState.FORCED_OPEN),

	/** Permit every call and record nothing until closed again; never expires. */
	DISABLE(CircuitState.DISABLED),

	/** Back to normal operation with fresh counts (force close, reset). */
	CLOSE(CircuitState.CLOSED);

	private final CircuitState target;

	OperatorCommand(CircuitState target) {
		this.target = target;
	}

	public CircuitState target() {
		return this.target;
	}

}
