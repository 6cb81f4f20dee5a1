package io.redisbreaker.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.zip.CRC32;

/**
 * Immutable settings of one circuit breaker. Defaults follow the source guide (5 consecutive failures,
 * 2 trial successes, 60 s open, 3 trial calls, 300 s window) and Resilience4j for the rate-based trip.
 * Every instance of an application should use the same settings for the same breaker name: each
 * instance evaluates the shared state with its own copy.
 */
public final class CircuitBreakerConfig {

	public static final int DEFAULT_FAILURE_THRESHOLD = 5;

	public static final int DEFAULT_SUCCESS_THRESHOLD = 2;

	public static final Duration DEFAULT_OPEN_TIMEOUT = Duration.ofSeconds(60);

	public static final int DEFAULT_HALF_OPEN_MAX_CALLS = 3;

	public static final Duration DEFAULT_HALF_OPEN_PERMIT_LEASE = Duration.ofSeconds(30);

	public static final Duration DEFAULT_SLIDING_WINDOW = Duration.ofSeconds(300);

	public static final float DEFAULT_FAILURE_RATE_THRESHOLD = 50;

	public static final int DEFAULT_MINIMUM_CALLS = 100;

	public static final Duration DEFAULT_SLOW_CALL_DURATION_THRESHOLD = Duration.ofSeconds(60);

	public static final float DEFAULT_SLOW_CALL_RATE_THRESHOLD = 100;

	public static final double DEFAULT_OPEN_TIMEOUT_MULTIPLIER = 1.0;

	public static final Duration DEFAULT_MAX_OPEN_TIMEOUT = Duration.ofMinutes(10);

	/** By default one instance's failures can open the shared breaker. */
	public static final int DEFAULT_MINIMUM_FAILING_INSTANCES = 1;

	/** By default the call decision comes from a local view of the shared state (see {@link Consistency}). */
	public static final Consistency DEFAULT_CONSISTENCY = Consistency.BOUNDED;

	/** The sliding window is kept in at most this many buckets, so its cost does not grow with traffic. */
	static final int WINDOW_BUCKETS = 60;

	private static final CircuitBreakerConfig DEFAULTS = new Builder().build();

	private final int failureThreshold;

	private final int successThreshold;

	private final Duration openTimeout;

	private final int halfOpenMaxCalls;

	private final Duration halfOpenPermitLease;

	private final Duration slidingWindow;

	private final float failureRateThreshold;

	private final int minimumCalls;

	private final Duration slowCallDurationThreshold;

	private final float slowCallRateThreshold;

	private final double openTimeoutMultiplier;

	private final Duration maxOpenTimeout;

	private final ExceptionClassifier exceptions;

	private final Consistency consistency;

	private final long slowCallNanos;

	private final int minimumFailingInstances;

	private CircuitBreakerConfig(Builder builder) {
		this.failureThreshold = builder.failureThreshold;
		this.successThreshold = builder.successThreshold;
		this.openTimeout = builder.openTimeout;
		this.halfOpenMaxCalls = builder.halfOpenMaxCalls;
		this.halfOpenPermitLease = builder.halfOpenPermitLease;
		this.slidingWindow = builder.slidingWindow;
		this.failureRateThreshold = builder.failureRateThreshold;
		this.minimumCalls = builder.minimumCalls;
		this.slowCallDurationThreshold = builder.slowCallDurationThreshold;
		this.slowCallRateThreshold = builder.slowCallRateThreshold;
		this.openTimeoutMultiplier = builder.openTimeoutMultiplier;
		this.maxOpenTimeout = builder.maxOpenTimeout;
		this.exceptions = new ExceptionClassifier(builder.recordExceptions, builder.ignoreExceptions);
		this.consistency = builder.consistency;
		this.slowCallNanos = saturatedNanos(builder.slowCallDurationThreshold);
		this.minimumFailingInstances = builder.minimumFailingInstances;
	}

	private static long saturatedNanos(Duration duration) {
		try {
			return duration.toNanos();
		}
		catch (ArithmeticException ex) {
			return Long.MAX_VALUE;
		}
	}

	public static CircuitBreakerConfig ofDefaults() {
		return DEFAULTS;
	}

	public static Builder builder() {
		return new Builder();
	}

	/** A builder starting from this configuration's values. */
	public Builder toBuilder() {
		return new Builder(this);
	}

	/** How the call decision and the shared state relate: {@link Consistency#BOUNDED} or {@link Consistency#STRICT}. */
	public Consistency getConsistency() {
		return this.consistency;
	}

	/**
	 * How many distinct instances must have reported failures inside the sliding window before the shared
	 * breaker opens ({@link Consistency#BOUNDED}); below that, an instance whose own calls cross a threshold
	 * opens for itself alone. 1 (the default) turns the guard off.
	 */
	public int getMinimumFailingInstances() {
		return this.minimumFailingInstances;
	}

	/** Consecutive failures (within the sliding window) that open the breaker. */
	public int getFailureThreshold() {
		return this.failureThreshold;
	}

	/** Successful trial calls that close a half-open breaker. */
	public int getSuccessThreshold() {
		return this.successThreshold;
	}

	/** How long the breaker stays open before trial calls are permitted. */
	public Duration getOpenTimeout() {
		return this.openTimeout;
	}

	/** Trial calls permitted per half-open period, across all instances together. */
	public int getHalfOpenMaxCalls() {
		return this.halfOpenMaxCalls;
	}

	/** How long a trial permit is held for a call that never reports back (a crashed instance). */
	public Duration getHalfOpenPermitLease() {
		return this.halfOpenPermitLease;
	}

	/** Failures and calls older than this no longer count. */
	public Duration getSlidingWindow() {
		return this.slidingWindow;
	}

	/** The granularity in which counts age out of the sliding window. */
	public Duration getWindowBucket() {
		long millis = Math.max(1000, (this.slidingWindow.toMillis() + WINDOW_BUCKETS - 1) / WINDOW_BUCKETS);
		return Duration.ofMillis(millis);
	}

	/** Failure rate in percent (of at least {@link #getMinimumCalls()} calls in the window) that opens the breaker. */
	public float getFailureRateThreshold() {
		return this.failureRateThreshold;
	}

	/** Calls the window must hold before the failure and slow-call rates are evaluated. */
	public int getMinimumCalls() {
		return this.minimumCalls;
	}

	/** Calls that take at least this long are slow calls. */
	public Duration getSlowCallDurationThreshold() {
		return this.slowCallDurationThreshold;
	}

	/** Slow-call rate in percent that opens the breaker. */
	public float getSlowCallRateThreshold() {
		return this.slowCallRateThreshold;
	}

	/** Factor applied to the open timeout each time a trial fails and the breaker opens again. */
	public double getOpenTimeoutMultiplier() {
		return this.openTimeoutMultiplier;
	}

	/** Upper bound of the growing open timeout. */
	public Duration getMaxOpenTimeout() {
		return this.maxOpenTimeout;
	}

	/** Exception classes that count as failures; empty means every exception that is not ignored. */
	public List<Class<? extends Throwable>> getRecordExceptions() {
		return this.exceptions.recorded();
	}

	/** Exception classes that count neither as failure nor as success. */
	public List<Class<? extends Throwable>> getIgnoreExceptions() {
		return this.exceptions.ignored();
	}

	/** Classifies a failed call's exception. */
	public ExceptionClassifier.Verdict classify(Throwable failure) {
		return this.exceptions.classify(failure);
	}

	/** The outcome of a call that took {@code duration} and failed with {@code failure}, if any. */
	public CallOutcome outcome(Duration duration, Throwable failure) {
		boolean slow = duration.compareTo(this.slowCallDurationThreshold) >= 0;
		return switch (classify(failure)) {
			case IGNORE -> CallOutcome.IGNORED;
			case SUCCESS -> CallOutcome.of(false, slow);
			case FAILURE -> CallOutcome.of(true, slow);
		};
	}

	/** The outcome of a call that took {@code duration} and succeeded. */
	public CallOutcome outcome(Duration duration) {
		return CallOutcome.of(false, duration.compareTo(this.slowCallDurationThreshold) >= 0);
	}

	/** The outcome of a call that took {@code nanos} and succeeded (no {@code Duration} per call). */
	CallOutcome outcome(long nanos) {
		return CallOutcome.of(false, nanos >= this.slowCallNanos);
	}

	/** The open timeout after {@code reopens} consecutive failed trial periods. */
	public Duration openTimeoutAfter(int reopens) {
		double millis = this.openTimeout.toMillis() * Math.pow(this.openTimeoutMultiplier, reopens);
		return Duration.ofMillis((long) Math.min(millis, this.maxOpenTimeout.toMillis()));
	}

	/**
	 * The settings as {@code circuitbreaker.*} property names and values, in a fixed order, for
	 * comparing the settings instances use for one breaker ({@link #settingsHash()}).
	 */
	public String describeSettings() {
		return "failure-threshold=" + this.failureThreshold + ", success-threshold=" + this.successThreshold
				+ ", open-timeout=" + this.openTimeout + ", half-open-max-calls=" + this.halfOpenMaxCalls
				+ ", half-open-permit-lease=" + this.halfOpenPermitLease + ", sliding-window=" + this.slidingWindow
				+ ", failure-rate-threshold=" + this.failureRateThreshold + ", minimum-calls=" + this.minimumCalls
				+ ", slow-call-duration-threshold=" + this.slowCallDurationThreshold + ", slow-call-rate-threshold="
				+ this.slowCallRateThreshold + ", open-timeout-multiplier=" + this.openTimeoutMultiplier
				+ ", max-open-timeout=" + this.maxOpenTimeout + ", record-exceptions="
				+ names(getRecordExceptions()) + ", ignore-exceptions=" + names(getIgnoreExceptions())
				// Only when set, so the hash of settings that do not use it stays what it was.
				+ ((this.minimumFailingInstances != 1) ? ", minimum-failing-instances=" + this.minimumFailingInstances : "");
	}

	/** A short hash of {@link #describeSettings()}: equal settings give equal hashes on every instance. */
	public String settingsHash() {
		CRC32 crc = new CRC32();
		crc.update(describeSettings().getBytes(StandardCharsets.UTF_8));
		return String.format("%08x", crc.getValue());
	}

	private static String names(List<Class<? extends Throwable>> types) {
		return types.stream().map(Class::getName).collect(Collectors.joining(",", "[", "]"));
	}

	@Override
	public boolean equals(Object other) {
		if (this == other) {
			return true;
		}
		if (!(other instanceof CircuitBreakerConfig that)) {
			return false;
		}
		return this.failureThreshold == that.failureThreshold && this.successThreshold == that.successThreshold
				&& this.openTimeout.equals(that.openTimeout) && this.halfOpenMaxCalls == that.halfOpenMaxCalls
				&& this.halfOpenPermitLease.equals(that.halfOpenPermitLease)
				&& this.slidingWindow.equals(that.slidingWindow)
				&& this.failureRateThreshold == that.failureRateThreshold && this.minimumCalls == that.minimumCalls
				&& this.slowCallDurationThreshold.equals(that.slowCallDurationThreshold)
				&& this.slowCallRateThreshold == that.slowCallRateThreshold
				&& this.openTimeoutMultiplier == that.openTimeoutMultiplier
				&& this.maxOpenTimeout.equals(that.maxOpenTimeout) && this.exceptions.equals(that.exceptions)
				&& this.consistency == that.consistency && this.minimumFailingInstances == that.minimumFailingInstances;
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.failureThreshold, this.successThreshold, this.openTimeout, this.halfOpenMaxCalls,
				this.slidingWindow, this.failureRateThreshold, this.minimumCalls);
	}

	@Override
	public String toString() {
		return "CircuitBreakerConfig[failureThreshold=" + this.failureThreshold + ", successThreshold="
				+ this.successThreshold + ", openTimeout=" + this.openTimeout + ", halfOpenMaxCalls="
				+ this.halfOpenMaxCalls + ", halfOpenPermitLease=" + this.halfOpenPermitLease + ", slidingWindow="
				+ this.slidingWindow + ", failureRateThreshold=" + this.failureRateThreshold + ", minimumCalls="
				+ this.minimumCalls + ", slowCallDurationThreshold=" + this.slowCallDurationThreshold
				+ ", slowCallRateThreshold=" + this.slowCallRateThreshold + ", openTimeoutMultiplier="
				+ this.openTimeoutMultiplier + ", maxOpenTimeout=" + this.maxOpenTimeout + ", " + this.exceptions
				+ ", consistency=" + this.consistency + ", minimumFailingInstances=" + this.minimumFailingInstances + "]";
	}

	/**
	 * Builds a {@link CircuitBreakerConfig}; {@link #build()} checks every value and names the setting
	 * that is out of range.
	 */
	public static final class Builder {

		private int failureThreshold = DEFAULT_FAILURE_THRESHOLD;

		private int successThreshold = DEFAULT_SUCCESS_THRESHOLD;

		private Duration openTimeout = DEFAULT_OPEN_TIMEOUT;

		private int halfOpenMaxCalls = DEFAULT_HALF_OPEN_MAX_CALLS;

		private Duration halfOpenPermitLease = DEFAULT_HALF_OPEN_PERMIT_LEASE;

		private Duration slidingWindow = DEFAULT_SLIDING_WINDOW;

		private float failureRateThreshold = DEFAULT_FAILURE_RATE_THRESHOLD;

		private int minimumCalls = DEFAULT_MINIMUM_CALLS;

		private Duration slowCallDurationThreshold = DEFAULT_SLOW_CALL_DURATION_THRESHOLD;

		private float slowCallRateThreshold = DEFAULT_SLOW_CALL_RATE_THRESHOLD;

		private double openTimeoutMultiplier = DEFAULT_OPEN_TIMEOUT_MULTIPLIER;

		private Duration maxOpenTimeout = DEFAULT_MAX_OPEN_TIMEOUT;

		private List<Class<? extends Throwable>> recordExceptions = List.of();

		private List<Class<? extends Throwable>> ignoreExceptions = List.of();

		private Consistency consistency = DEFAULT_CONSISTENCY;

		private int minimumFailingInstances = DEFAULT_MINIMUM_FAILING_INSTANCES;

		private Builder() {
		}

		private Builder(CircuitBreakerConfig config) {
			this.failureThreshold = config.failureThreshold;
			this.successThreshold = config.successThreshold;
			this.openTimeout = config.openTimeout;
			this.halfOpenMaxCalls = config.halfOpenMaxCalls;
			this.halfOpenPermitLease = config.halfOpenPermitLease;
			this.slidingWindow = config.slidingWindow;
			this.failureRateThreshold = config.failureRateThreshold;
			this.minimumCalls = config.minimumCalls;
			this.slowCallDurationThreshold = config.slowCallDurationThreshold;
			this.slowCallRateThreshold = config.slowCallRateThreshold;
			this.openTimeoutMultiplier = config.openTimeoutMultiplier;
			this.maxOpenTimeout = config.maxOpenTimeout;
			this.recordExceptions = config.getRecordExceptions();
			this.ignoreExceptions = config.getIgnoreExceptions();
			this.consistency = config.consistency;
			this.minimumFailingInstances = config.minimumFailingInstances;
		}

		public Builder failureThreshold(int failureThreshold) {
			this.failureThreshold = failureThreshold;
			return this;
		}

		public Builder successThreshold(int successThreshold) {
			this.successThreshold = successThreshold;
			return this;
		}

		public Builder openTimeout(Duration openTimeout) {
			this.openTimeout = openTimeout;
			return this;
		}

		public Builder halfOpenMaxCalls(int halfOpenMaxCalls) {
			this.halfOpenMaxCalls = halfOpenMaxCalls;
			return this;
		}

		public Builder halfOpenPermitLease(Duration halfOpenPermitLease) {
			this.halfOpenPermitLease = halfOpenPermitLease;
			return this;
		}

		public Builder slidingWindow(Duration slidingWindow) {
			this.slidingWindow = slidingWindow;
			return this;
		}

		public Builder failureRateThreshold(float failureRateThreshold) {
			this.failureRateThreshold = failureRateThreshold;
			return this;
		}

		public Builder minimumCalls(int minimumCalls) {
			this.minimumCalls = minimumCalls;
			return this;
		}

		public Builder slowCallDurationThreshold(Duration slowCallDurationThreshold) {
			this.slowCallDurationThreshold = slowCallDurationThreshold;
			return this;
		}

		public Builder slowCallRateThreshold(float slowCallRateThreshold) {
			this.slowCallRateThreshold = slowCallRateThreshold;
			return this;
		}

		public Builder openTimeoutMultiplier(double openTimeoutMultiplier) {
			this.openTimeoutMultiplier = openTimeoutMultiplier;
			return this;
		}

		public Builder maxOpenTimeout(Duration maxOpenTimeout) {
			this.maxOpenTimeout = maxOpenTimeout;
			return this;
		}

		public Builder recordExceptions(List<Class<? extends Throwable>> recordExceptions) {
			this.recordExceptions = List.copyOf(recordExceptions);
			return this;
		}

		public Builder ignoreExceptions(List<Class<? extends Throwable>> ignoreExceptions) {
			this.ignoreExceptions = List.copyOf(ignoreExceptions);
			return this;
		}

		public Builder consistency(Consistency consistency) {
			this.consistency = Objects.requireNonNull(consistency, "'consistency' must not be null");
			return this;
		}

		public Builder minimumFailingInstances(int minimumFailingInstances) {
			this.minimumFailingInstances = minimumFailingInstances;
			return this;
		}

		public CircuitBreakerConfig build() {
			atLeast("failure-threshold", this.failureThreshold, 1);
			atLeast("minimum-failing-instances", this.minimumFailingInstances, 1);
			atLeast("success-threshold", this.successThreshold, 1);
			atLeast("half-open-max-calls", this.halfOpenMaxCalls, 1);
			atLeast("minimum-calls", this.minimumCalls, 1);
			if (this.halfOpenMaxCalls < this.successThreshold) {
				throw new IllegalArgumentException("'half-open-max-calls' (" + this.halfOpenMaxCalls
						+ ") must be at least 'success-threshold' (" + this.successThreshold
						+ "), or a half-open breaker could never close");
			}
			positive("open-timeout", this.openTimeout, Duration.ofMillis(1));
			positive("half-open-permit-lease", this.halfOpenPermitLease, Duration.ofMillis(1));
			positive("sliding-window", this.slidingWindow, Duration.ofSeconds(1));
			positive("slow-call-duration-threshold", this.slowCallDurationThreshold, Duration.ofMillis(1));
			percent("failure-rate-threshold", this.failureRateThreshold);
			percent("slow-call-rate-threshold", this.slowCallRateThreshold);
			if (!(this.openTimeoutMultiplier >= 1.0) || Double.isInfinite(this.openTimeoutMultiplier)) {
				throw new IllegalArgumentException(
						"'open-timeout-multiplier' must be a finite number >= 1.0 but was " + this.openTimeoutMultiplier);
			}
			Objects.requireNonNull(this.maxOpenTimeout, "'max-open-timeout' must not be null");
			if (this.maxOpenTimeout.compareTo(this.openTimeout) < 0) {
				throw new IllegalArgumentException("'max-open-timeout' (" + this.maxOpenTimeout
						+ ") must not be shorter than 'open-timeout' (" + this.openTimeout + ")");
			}
			return new CircuitBreakerConfig(this);
		}

		private static void atLeast(String setting, int value, int minimum) {
			if (value < minimum) {
				throw new IllegalArgumentException(
						"'" + setting + "' must be at least " + minimum + " but was " + value);
			}
		}

		private static void positive(String setting, Duration value, Duration minimum) {
			Objects.requireNonNull(value, () -> "'" + setting + "' must not be null");
			if (value.compareTo(minimum) < 0) {
				throw new IllegalArgumentException(
						"'" + setting + "' must be at least " + minimum.toMillis() + " ms but was " + value);
			}
		}

		private static void percent(String setting, float value) {
			if (!(value > 0 && value <= 100)) {
				throw new IllegalArgumentException(
						"'" + setting + "' must be a percentage above 0 and at most 100 but was " + value);
			}
		}

	}

}
