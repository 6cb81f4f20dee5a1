package io.redisbreaker.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import io.redisbreaker.core.CircuitBreakerConfig;
import org.jspecify.annotations.Nullable;

/**
 * Settings of one breaker (or of the defaults). Unset values are inherited: an instance entry from
 * {@code circuitbreaker.defaults}, the defaults from {@link CircuitBreakerConfig}'s constants.
 */
public class BreakerSettings {

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

	/** Exceptions that count as failures; by default every exception that is not ignored. */
	private @Nullable List<Class<? extends Throwable>> recordExceptions;

	/** Exceptions that count neither as failure nor as success. */
	private @Nullable List<Class<? extends Throwable>> ignoreExceptions;

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
