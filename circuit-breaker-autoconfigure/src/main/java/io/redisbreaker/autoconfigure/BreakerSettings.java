package io.redisbreaker.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.redisbreaker.core.CircuitBreakerConfig;
import io.redisbreaker.core.Consistency;
import org.jspecify.annotations.Nullable;

/**
 * Settings of one breaker (or of the defaults). Unset values are inherited: an instance entry from
 * {@code circuitbreaker.defaults}, the defaults from {@link CircuitBreakerConfig}'s constants.
 */
public class BreakerSettings {

	private static final Pattern QUOTED_SETTING = Pattern.compile("'([a-z-]+)'");

	private static final Duration ONE_MILLISECOND = Duration.ofMillis(1);

	/** Consecutive failures within the sliding window that open the breaker. Default 5. */
	private @Nullable Integer failureThreshold;

	/** Successful trial calls that close a half-open breaker. Default 2. */
	private @Nullable Integer successThreshold;

	/** How long the breaker stays open before trial calls are permitted. Default 60s. */
	private @Nullable Duration openTimeout;

	/** Trial calls permitted per half-open period, across all instances together. Default 3. */
	private @Nullable Integer halfOpenMaxCalls;

	/**
	 * How long a trial permit is held for a call that never reports back, for example because its
	 * instance died. Default 30s.
	 */
	private @Nullable Duration halfOpenPermitLease;

	/** Failures and calls older than this no longer count. Default 300s. */
	private @Nullable Duration slidingWindow;

	/**
	 * Failure rate in percent of the calls in the sliding window that opens the breaker, once the window
	 * holds at least minimum-calls calls. Default 50.
	 */
	private @Nullable Float failureRateThreshold;

	/** Calls the sliding window must hold before failure and slow-call rates count. Default 100. */
	private @Nullable Integer minimumCalls;

	/**
	 * Calls at least this long are slow: they count toward the consecutive-failure threshold, fail a
	 * trial call, and count toward the slow-call rate. Default 60s.
	 */
	private @Nullable Duration slowCallDurationThreshold;

	/** Slow-call rate in percent of the calls in the sliding window that opens the breaker. Default 100. */
	private @Nullable Float slowCallRateThreshold;

	/**
	 * Factor applied to the open timeout each time a trial call fails and the breaker opens again; 1.0
	 * keeps it constant. Default 1.0.
	 */
	private @Nullable Double openTimeoutMultiplier;

	/** Upper bound of the growing open timeout. Default 10m. */
	private @Nullable Duration maxOpenTimeout;

	/**
	 * bounded: calls are decided by this instance's view of the shared state, at most max-staleness
	 * old, and outcomes are merged into it in batches (no Redis round trip per call). strict: every call
	 * is decided by one atomic script in Redis. Default bounded.
	 */
	private @Nullable Consistency consistency;

	/**
	 * Distinct instances that must report failures inside the sliding window before the shared breaker
	 * opens (consistency bounded). Below that, an instance whose own calls cross a threshold opens for
	 * itself alone, says so in the log, and the rest of the fleet keeps calling. Default 1 (off).
	 */
	private @Nullable Integer minimumFailingInstances;

	/** Exceptions that count as failures; by default every exception that is not ignored. */
	private @Nullable List<Class<? extends Throwable>> recordExceptions;

	/** Exceptions that count neither as failure nor as success. */
	private @Nullable List<Class<? extends Throwable>> ignoreExceptions;

	/**
	 * Checks these settings and builds the breaker configuration they describe.
	 * @param path the property path of this entry, such as {@code circuitbreaker.instances[payments]}
	 * @param parentPath the path unset values are inherited from, or {@code null} for the defaults entry
	 * @param base the inherited configuration
	 * @return the configuration
	 * @throws InvalidCircuitBreakerPropertyException naming the first property whose value cannot work
	 */
	CircuitBreakerConfig build(String path, @Nullable String parentPath,
			CircuitBreakerConfig base) {
		atLeastOne(path, "failure-threshold", this.failureThreshold);
		atLeastOne(path, "success-threshold", this.successThreshold);
		atLeastOne(path, "half-open-max-calls", this.halfOpenMaxCalls);
		atLeastOne(path, "minimum-calls", this.minimumCalls);
		atLeastOne(path, "minimum-failing-instances", this.minimumFailingInstances);
		atLeast(path, "open-timeout", this.openTimeout, ONE_MILLISECOND);
		atLeast(path, "half-open-permit-lease", this.halfOpenPermitLease, ONE_MILLISECOND);
		atLeast(path, "sliding-window", this.slidingWindow, Duration.ofSeconds(1));
		atLeast(path, "slow-call-duration-threshold", this.slowCallDurationThreshold, ONE_MILLISECOND);
		percent(path, "failure-rate-threshold", this.failureRateThreshold);
		percent(path, "slow-call-rate-threshold", this.slowCallRateThreshold);
		if (this.openTimeoutMultiplier != null
				&& (!(this.openTimeoutMultiplier >= 1.0) || Double.isInfinite(this.openTimeoutMultiplier))) {
			throw invalid(path, "open-timeout-multiplier", this.openTimeoutMultiplier, "a finite number of at least 1.0");
		}
		// Rules between two settings blame the one this entry sets, naming where the other comes from.
		int successThreshold = (this.successThreshold != null) ? this.successThreshold : base.getSuccessThreshold();
		int halfOpenMaxCalls = (this.halfOpenMaxCalls != null) ? this.halfOpenMaxCalls : base.getHalfOpenMaxCalls();
		if (halfOpenMaxCalls < successThreshold) {
			throw (this.halfOpenMaxCalls != null)
					? invalid(path, "half-open-max-calls", halfOpenMaxCalls, "at least " + source(path, parentPath,
							"success-threshold", this.successThreshold, successThreshold)
							+ ", or a half-open breaker could never close")
					: invalid(path, "success-threshold", successThreshold, "at most " + source(path, parentPath,
							"half-open-max-calls", null, halfOpenMaxCalls) + ", or a half-open breaker could never close");
		}
		Duration openTimeout = (this.openTimeout != null) ? this.openTimeout : base.getOpenTimeout();
		Duration maxOpenTimeout = (this.maxOpenTimeout != null) ? this.maxOpenTimeout : base.getMaxOpenTimeout();
		if (maxOpenTimeout.compareTo(openTimeout) < 0) {
			throw (this.maxOpenTimeout != null)
					? invalid(path, "max-open-timeout", maxOpenTimeout,
							"at least " + source(path, parentPath, "open-timeout", this.openTimeout, openTimeout))
					: invalid(path, "open-timeout", openTimeout,
							"at most " + source(path, parentPath, "max-open-timeout", null, maxOpenTimeout));
		}
		try {
			return applyTo(base.toBuilder()).build();
		}
		catch (IllegalArgumentException ex) {
			// The checks above mirror the builder's; this only catches a rule added there but not here.
			Matcher setting = QUOTED_SETTING.matcher(String.valueOf(ex.getMessage()));
			String property = setting.find() ? path + "." + setting.group(1) : path;
			InvalidCircuitBreakerPropertyException invalid = new InvalidCircuitBreakerPropertyException(property,
					"as configured", "a value the breaker accepts (" + ex.getMessage() + ")");
			invalid.initCause(ex);
			throw invalid;
		}
	}

	/**
	 * The property an effective value comes from, with the value: this entry's own when it sets it, else
	 * the parent's.
	 */
	static String source(String path, @Nullable String parentPath, String setting,
			@Nullable Object own, Object effective) {
		String from = (own != null || parentPath == null) ? path : parentPath;
		return from + "." + setting + " (" + InvalidCircuitBreakerPropertyException.format(effective) + ")";
	}

	private static void atLeastOne(String path, String setting, @Nullable Integer value) {
		if (value != null && value < 1) {
			throw invalid(path, setting, value, "at least 1");
		}
	}

	private static void atLeast(String path, String setting, @Nullable Duration value,
			Duration minimum) {
		if (value != null && value.compareTo(minimum) < 0) {
			throw invalid(path, setting, value, "at least " + InvalidCircuitBreakerPropertyException.format(minimum));
		}
	}

	private static void percent(String path, String setting, @Nullable Float value) {
		if (value != null && !(value > 0 && value <= 100)) {
			throw invalid(path, setting, value, "a percentage above 0 and at most 100");
		}
	}

	private static InvalidCircuitBreakerPropertyException invalid(String path, String setting, Object value,
			String expected) {
		return new InvalidCircuitBreakerPropertyException(path + "." + setting,
				InvalidCircuitBreakerPropertyException.format(value), expected);
	}

	CircuitBreakerConfig.Builder applyTo(CircuitBreakerConfig.Builder builder) {
		set(this.failureThreshold, builder::failureThreshold);
		set(this.successThreshold, builder::successThreshold);
		set(this.openTimeout, builder::openTimeout);
		set(this.halfOpenMaxCalls, builder::halfOpenMaxCalls);
		set(this.halfOpenPermitLease, builder::halfOpenPermitLease);
		set(this.slidingWindow, builder::slidingWindow);
		set(this.failureRateThreshold, builder::failureRateThreshold);
		set(this.minimumCalls, builder::minimumCalls);
		set(this.slowCallDurationThreshold, builder::slowCallDurationThreshold);
		set(this.slowCallRateThreshold, builder::slowCallRateThreshold);
		set(this.openTimeoutMultiplier, builder::openTimeoutMultiplier);
		set(this.maxOpenTimeout, builder::maxOpenTimeout);
		set(this.consistency, builder::consistency);
		set(this.minimumFailingInstances, builder::minimumFailingInstances);
		set(this.recordExceptions, builder::recordExceptions);
		set(this.ignoreExceptions, builder::ignoreExceptions);
		return builder;
	}

	private static <T> void set(@Nullable T value, Consumer<T> setter) {
		if (value != null) {
			setter.accept(value);
		}
	}

	public @Nullable Integer getFailureThreshold() {
		return this.failureThreshold;
	}

	public void setFailureThreshold(@Nullable Integer failureThreshold) {
		this.failureThreshold = failureThreshold;
	}

	public @Nullable Integer getSuccessThreshold() {
		return this.successThreshold;
	}

	public void setSuccessThreshold(@Nullable Integer successThreshold) {
		this.successThreshold = successThreshold;
	}

	public @Nullable Duration getOpenTimeout() {
		return this.openTimeout;
	}

	public void setOpenTimeout(@Nullable Duration openTimeout) {
		this.openTimeout = openTimeout;
	}

	public @Nullable Integer getHalfOpenMaxCalls() {
		return this.halfOpenMaxCalls;
	}

	public void setHalfOpenMaxCalls(@Nullable Integer halfOpenMaxCalls) {
		this.halfOpenMaxCalls = halfOpenMaxCalls;
	}

	public @Nullable Duration getHalfOpenPermitLease() {
		return this.halfOpenPermitLease;
	}

	public void setHalfOpenPermitLease(@Nullable Duration halfOpenPermitLease) {
		this.halfOpenPermitLease = halfOpenPermitLease;
	}

	public @Nullable Duration getSlidingWindow() {
		return this.slidingWindow;
	}

	public void setSlidingWindow(@Nullable Duration slidingWindow) {
		this.slidingWindow = slidingWindow;
	}

	public @Nullable Float getFailureRateThreshold() {
		return this.failureRateThreshold;
	}

	public void setFailureRateThreshold(@Nullable Float failureRateThreshold) {
		this.failureRateThreshold = failureRateThreshold;
	}

	public @Nullable Integer getMinimumCalls() {
		return this.minimumCalls;
	}

	public void setMinimumCalls(@Nullable Integer minimumCalls) {
		this.minimumCalls = minimumCalls;
	}

	public @Nullable Duration getSlowCallDurationThreshold() {
		return this.slowCallDurationThreshold;
	}

	public void setSlowCallDurationThreshold(@Nullable Duration slowCallDurationThreshold) {
		this.slowCallDurationThreshold = slowCallDurationThreshold;
	}

	public @Nullable Float getSlowCallRateThreshold() {
		return this.slowCallRateThreshold;
	}

	public void setSlowCallRateThreshold(@Nullable Float slowCallRateThreshold) {
		this.slowCallRateThreshold = slowCallRateThreshold;
	}

	public @Nullable Double getOpenTimeoutMultiplier() {
		return this.openTimeoutMultiplier;
	}

	public void setOpenTimeoutMultiplier(@Nullable Double openTimeoutMultiplier) {
		this.openTimeoutMultiplier = openTimeoutMultiplier;
	}

	public @Nullable Duration getMaxOpenTimeout() {
		return this.maxOpenTimeout;
	}

	public void setMaxOpenTimeout(@Nullable Duration maxOpenTimeout) {
		this.maxOpenTimeout = maxOpenTimeout;
	}

	public @Nullable Integer getMinimumFailingInstances() {
		return this.minimumFailingInstances;
	}

	public void setMinimumFailingInstances(@Nullable Integer minimumFailingInstances) {
		this.minimumFailingInstances = minimumFailingInstances;
	}

	public @Nullable Consistency getConsistency() {
		return this.consistency;
	}

	public void setConsistency(@Nullable Consistency consistency) {
		this.consistency = consistency;
	}

	public @Nullable List<Class<? extends Throwable>> getRecordExceptions() {
		return this.recordExceptions;
	}

	public void setRecordExceptions(@Nullable List<Class<? extends Throwable>> recordExceptions) {
		this.recordExceptions = recordExceptions;
	}

	public @Nullable List<Class<? extends Throwable>> getIgnoreExceptions() {
		return this.ignoreExceptions;
	}

	public void setIgnoreExceptions(@Nullable List<Class<? extends Throwable>> ignoreExceptions) {
		this.ignoreExceptions = ignoreExceptions;
	}

}
