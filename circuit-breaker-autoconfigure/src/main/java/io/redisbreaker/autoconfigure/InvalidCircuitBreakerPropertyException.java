package io.redisbreaker.autoconfigure;

import java.time.Duration;

/**
 * A {@code circuitbreaker.*} property whose value cannot work. Carries the property path, the value and
 * what was expected, so {@link CircuitBreakerFailureAnalyzer} can report it the way Spring Boot reports
 * its own configuration mistakes, wherever it sits in the cause chain of a failed startup.
 */
public final class InvalidCircuitBreakerPropertyException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	private final String property;

	private final String value;

	private final String expected;

	private final String action;

	/**
	 * Creates an exception whose action is to change the property.
	 * @param property the full property path, such as {@code circuitbreaker.defaults.failure-threshold}
	 * @param value the value given, as the user would write it
	 * @param expected what the value must be, such as {@code at least 1}
	 */
	public InvalidCircuitBreakerPropertyException(String property, String value, String expected) {
		this(property, value, expected, "Change " + property + " to a value that is " + expected + ".");
	}

	/**
	 * Creates an exception with its own advice.
	 * @param property the full property path
	 * @param value the value given, as the user would write it
	 * @param expected what the value must be
	 * @param action what to change, as a sentence
	 */
	public InvalidCircuitBreakerPropertyException(String property, String value, String expected, String action) {
		super("Invalid " + property + " '" + value + "': expected " + expected);
		this.property = property;
		this.value = value;
		this.expected = expected;
		this.action = action;
	}

	/** The full property path, such as {@code circuitbreaker.instances[upbit/kr/ticker].failure-threshold}. */
	public String getProperty() {
		return this.property;
	}

	/** The value given, as the user would write it ({@code 0}, {@code 10m}). */
	public String getValue() {
		return this.value;
	}

	/** What the value must be, such as {@code at least 1}. */
	public String getExpected() {
		return this.expected;
	}

	/** What to change, as a sentence. */
	public String getAction() {
		return this.action;
	}

	/** A duration the way properties usually spell it: {@code 10m}, {@code 30s}, {@code 250ms}. */
	static String format(Duration duration) {
		long millis = duration.toMillis();
		if (millis != 0 && millis % 3_600_000 == 0) {
			return (millis / 3_600_000) + "h";
		}
		if (millis != 0 && millis % 60_000 == 0) {
			return (millis / 60_000) + "m";
		}
		if (millis != 0 && millis % 1000 == 0) {
			return (millis / 1000) + "s";
		}
		return millis + "ms";
	}

	/** A value the way properties spell it: {@code 10m} rather than {@code PT10M}, {@code 50} rather than {@code 50.0}. */
	static String format(Object value) {
		if (value instanceof Duration duration) {
			return format(duration);
		}
		String text = String.valueOf(value);
		return ((value instanceof Float || value instanceof Double) && text.endsWith(".0"))
				? text.substring(0, text.length() - 2) : text;
	}

}
