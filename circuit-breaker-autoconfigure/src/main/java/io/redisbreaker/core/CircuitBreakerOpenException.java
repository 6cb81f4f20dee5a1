package io.redisbreaker.core;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Thrown to a caller whose call was not permitted by the breaker.
 */
public class CircuitBreakerOpenException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String circuitBreakerName;

	private final CircuitState state;

	private final @Nullable Duration retryAfter;

	public CircuitBreakerOpenException(String circuitBreakerName, CircuitState state, @Nullable Duration retryAfter) {
		this(circuitBreakerName, state, retryAfter, null);
	}

	public CircuitBreakerOpenException(String circuitBreakerName, CircuitState state, @Nullable Duration retryAfter,
			@Nullable String detail) {
		this(message(circuitBreakerName, state, retryAfter, detail), circuitBreakerName, state, retryAfter);
	}

	private CircuitBreakerOpenException(String message, String circuitBreakerName, CircuitState state,
			@Nullable Duration retryAfter) {
		super(message, null, false, false);
		this.circuitBreakerName = circuitBreakerName;
		this.state = state;
		this.retryAfter = retryAfter;
	}

	/**
	 * For a call whose breaker was not created because the limit on breakers was reached, under
	 * {@code circuitbreaker.overflow-policy=deny}.
	 * @param reason why, such as {@code circuitbreaker.max-breakers=1000 reached}
	 */
	static CircuitBreakerOpenException overLimit(String circuitBreakerName, String reason) {
		return new CircuitBreakerOpenException("Circuit breaker '" + circuitBreakerName + "' was not created ("
				+ reason + ") and circuitbreaker.overflow-policy=deny rejects its calls", circuitBreakerName,
				CircuitState.CLOSED, null);
	}

	private static String message(String name, CircuitState state, @Nullable Duration retryAfter,
			@Nullable String detail) {
		StringBuilder message = new StringBuilder("Circuit breaker '").append(name)
			.append("' is ")
			.append(state)
			.append(" and does not permit calls");
		if (retryAfter != null) {
			message.append("; next trial call possible in ").append(retryAfter.toMillis()).append(" ms");
		}
		if (detail != null) {
			message.append(" (").append(detail).append(')');
		}
		return message.toString();
	}

	public String getCircuitBreakerName() {
		return this.circuitBreakerName;
	}

	public CircuitState getState() {
		return this.state;
	}

	/**
	 * How long until a trial call may be permitted, or {@code null} when no time is known: the breaker
	 * was forced open, or all trial permits are taken and none has a known expiry.
	 */
	public @Nullable Duration getRetryAfter() {
		return this.retryAfter;
	}

}
