package io.redisbreaker.core;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one breaker saw of its calls on this instance since it was created: the source of its metrics.
 * Counting is kept apart from deciding: the counts never influence a decision (the shared state does),
 * and cost a striped add per call.
 */
public final class CallCounts {

	private final LongAdder successful = new LongAdder();

	private final LongAdder failed = new LongAdder();

	private final LongAdder ignored = new LongAdder();

	private final LongAdder slow = new LongAdder();

	private final LongAdder notPermitted = new LongAdder();

	private final LongAdder successfulNanos = new LongAdder();

	private final LongAdder failedNanos = new LongAdder();

	private final LongAdder ignoredNanos = new LongAdder();

	void record(CallOutcome outcome, long nanos) {
		switch (outcome) {
			case SUCCESS, SLOW_SUCCESS -> {
				this.successful.increment();
				this.successfulNanos.add(nanos);
			}
			case FAILURE, SLOW_FAILURE -> {
				this.failed.increment();
				this.failedNanos.add(nanos);
			}
			case IGNORED -> {
				this.ignored.increment();
				this.ignoredNanos.add(nanos);
			}
		}
		if (outcome.isSlow()) {
			this.slow.increment();
		}
	}

	void notPermitted() {
		this.notPermitted.increment();
	}

	/** Calls that succeeded (slow ones included). */
	public long successfulCalls() {
		return this.successful.sum();
	}

	/** Calls that failed with an exception that counts (slow ones included). */
	public long failedCalls() {
		return this.failed.sum();
	}

	/** Calls that ended with an ignored exception, or permits given back unused. */
	public long ignoredCalls() {
		return this.ignored.sum();
	}

	/** Calls slower than the slow-call duration threshold, successful or not. */
	public long slowCalls() {
		return this.slow.sum();
	}

	/** Calls the breaker did not permit. */
	public long notPermittedCalls() {
		return this.notPermitted.sum();
	}

	/** Total time of the successful calls. */
	public double successfulTime(TimeUnit unit) {
		return toUnit(this.successfulNanos.sum(), unit);
	}

	/** Total time of the failed calls. */
	public double failedTime(TimeUnit unit) {
		return toUnit(this.failedNanos.sum(), unit);
	}

	/** Total time of the ignored calls. */
	public double ignoredTime(TimeUnit unit) {
		return toUnit(this.ignoredNanos.sum(), unit);
	}

	private static double toUnit(long nanos, TimeUnit unit) {
		return (double) nanos / unit.toNanos(1);
	}

}
