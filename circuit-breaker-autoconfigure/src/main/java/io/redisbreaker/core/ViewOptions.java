package io.redisbreaker.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How the local views of breakers with {@link Consistency#BOUNDED} follow the shared state.
 *
 * @param maxStaleness the oldest a view may be and still decide; older, the store decides
 * ({@code circuitbreaker.max-staleness})
 * @param flushInterval how often outcomes counted here are sent, and views read again
 * ({@code circuitbreaker.flush-interval}); at most a third of {@code maxStaleness}, so a view is read
 * again before it turns stale
 */
public record ViewOptions(Duration maxStaleness, Duration flushInterval) {

	/** Default of {@code circuitbreaker.max-staleness}. */
	public static final Duration DEFAULT_MAX_STALENESS = Duration.ofMillis(100);

	/** Default of {@code circuitbreaker.flush-interval}. */
	public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofMillis(25);

	private static final ViewOptions DEFAULTS = new ViewOptions(DEFAULT_MAX_STALENESS, DEFAULT_FLUSH_INTERVAL);

	public ViewOptions {
		Objects.requireNonNull(maxStaleness, "circuitbreaker.max-staleness must not be null");
		Objects.requireNonNull(flushInterval, "circuitbreaker.flush-interval must not be null");
		if (flushInterval.compareTo(Duration.ofMillis(1)) < 0) {
			throw new IllegalArgumentException("circuitbreaker.flush-interval must be at least 1ms but was " + flushInterval);
		}
		if (flushInterval.multipliedBy(3).compareTo(maxStaleness) > 0) {
			throw new IllegalArgumentException("circuitbreaker.flush-interval (" + flushInterval
					+ ") must be at most a third of circuitbreaker.max-staleness (" + maxStaleness
					+ "), so views are read again before they turn stale");
		}
	}

	public static ViewOptions defaults() {
		return DEFAULTS;
	}

	/** A view this old is read again at the next flush. */
	Duration refreshAge() {
		return this.maxStaleness.minus(this.flushInterval.multipliedBy(2));
	}

}
