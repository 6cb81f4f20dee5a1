package io.redisbreaker.core;

/**
 * How one call ended, as far as the breaker is concerned.
 */
public enum CallOutcome {

	SUCCESS("S"),

	FAILURE("F"),

	/** Succeeded, but took longer than the slow-call duration threshold. */
	SLOW_SUCCESS("SS"),

	/** Failed and took longer than the slow-call duration threshold. */
	SLOW_FAILURE("SF"),

	/** Counted neither way: an ignored exception, or a permit given back unused. */
	IGNORED("I");

	private final String code;

	CallOutcome(String code) {
		this.code = code;
	}

	/** The compact code the Redis scripts understand. */
	public String code() {
		return this.code;
	}

	/** Whether the outcome counts against the breaker (consecutive failures, trial calls). */
	public boolean isFailure() {
		return this == FAILURE || this == SLOW_FAILURE || this == SLOW_SUCCESS;
	}

	public boolean isSlow() {
		return this == SLOW_SUCCESS || this == SLOW_FAILURE;
	}

	public boolean isRecordedFailure() {
		return this == FAILURE || this == SLOW_FAILURE;
	}

	static CallOutcome of(boolean failed, boolean slow) {
		if (failed) {
			return slow ? SLOW_FAILURE : FAILURE;
		}
		return slow ? SLOW_SUCCESS : SUCCESS;
	}

}
