package io.redisbreaker.store;

import java.time.Duration;

/**
 * How {@link FailoverBreakerStore} keeps Redis trouble away from business calls. Immutable; build one
 * with {@link #builder()}, which starts from the defaults named here.
 */
public final class FailoverOptions {

	/** Default policy while Redis cannot decide. */
	public static final RedisFailurePolicy DEFAULT_POLICY = RedisFailurePolicy.LOCAL;

	/** Default time a decision waits for Redis. */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(250);

	/** Default time above which an answer from Redis counts as slow. */
	public static final Duration DEFAULT_SLOW_THRESHOLD = Duration.ofMillis(100);

	/** Default pause between two probes of an unavailable Redis. */
	public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofSeconds(1);

	private static final FailoverOptions DEFAULTS = builder().build();

	private final RedisFailurePolicy policy;

	private final Duration timeout;

	private final Duration slowThreshold;

	private final Duration probeInterval;

	private FailoverOptions(Builder builder) {
		this.policy = builder.policy;
		this.timeout = builder.timeout;
		this.slowThreshold = builder.slowThreshold;
		this.probeInterval = builder.probeInterval;
	}

	public static FailoverOptions defaults() {
		return DEFAULTS;
	}

	public static Builder builder() {
		return new Builder();
	}

	/** What decides while Redis cannot. */
	public RedisFailurePolicy policy() {
		return this.policy;
	}

	/** How long a decision waits for Redis before the policy decides. */
	public Duration timeout() {
		return this.timeout;
	}

	/**
	 * Answers slower than this, {@value RedisAvailability#SLOW_ANSWERS_TO_LEAVE} times in a row, take Redis
	 * out of the decision path as a failure would.
	 */
	public Duration slowThreshold() {
		return this.slowThreshold;
	}

	/** Pause between two probes of an unavailable Redis. */
	public Duration probeInterval() {
		return this.probeInterval;
	}

	/** Builds {@link FailoverOptions}; every setting starts at its default. */
	public static final class Builder {

		private RedisFailurePolicy policy = DEFAULT_POLICY;

		private Duration timeout = DEFAULT_TIMEOUT;

		private Duration slowThreshold = DEFAULT_SLOW_THRESHOLD;

		private Duration probeInterval = DEFAULT_PROBE_INTERVAL;

		private Builder() {
		}

		public Builder policy(RedisFailurePolicy policy) {
			this.policy = policy;
			return this;
		}

		public Builder timeout(Duration timeout) {
			this.timeout = timeout;
			return this;
		}

		public Builder slowThreshold(Duration slowThreshold) {
			this.slowThreshold = slowThreshold;
			return this;
		}

		public Builder probeInterval(Duration probeInterval) {
			this.probeInterval = probeInterval;
			return this;
		}

		/**
		 * @throws IllegalArgumentException naming the property when a duration is not positive or the
		 * slow threshold exceeds the timeout
		 */
		public FailoverOptions build() {
			requirePositive(this.timeout, "circuitbreaker.redis-timeout");
			requirePositive(this.slowThreshold, "circuitbreaker.redis-slow-threshold");
			requirePositive(this.probeInterval, "circuitbreaker.redis-probe-interval");
			if (this.slowThreshold.compareTo(this.timeout) > 0) {
				throw new IllegalArgumentException("circuitbreaker.redis-slow-threshold (" + this.slowThreshold
						+ ") must not be longer than circuitbreaker.redis-timeout (" + this.timeout + ")");
			}
			return new FailoverOptions(this);
		}

		private static void requirePositive(Duration value, String property) {
			if (value.isNegative() || value.isZero()) {
				throw new IllegalArgumentException(property + " must be positive but was " + value);
			}
		}

	}

}
