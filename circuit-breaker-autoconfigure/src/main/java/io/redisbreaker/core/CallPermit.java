package io.redisbreaker.core;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;


/**
 * Permission for one call. Report how the call ended exactly once: {@link #recordSuccess()},
 * {@link #recordFailure(Throwable)} or {@link #release()}. Later reports are ignored. In half-open
 * state the permit is a trial permit; if it is never reported, its lease expires and another instance
 * may make the trial call instead.
 */
public final class CallPermit {

	private final CircuitBreaker breaker;

	private final Admission admission;

	private final long startNanos;

	private static final AtomicIntegerFieldUpdater<CallPermit> REPORTED = AtomicIntegerFieldUpdater
		.newUpdater(CallPermit.class, "reported");

	/** 1 once reported; a field updater rather than an AtomicBoolean, so a permit is one object. */
	private volatile int reported;

	CallPermit(CircuitBreaker breaker, Admission admission, long startNanos) {
		this.breaker = breaker;
		this.admission = admission;
		this.startNanos = startNanos;
	}

	/** The state the call was admitted in. */
	public CircuitState getState() {
		return this.admission.state();
	}

	/** Whether this is a half-open trial permit. */
	public boolean isTrial() {
		return this.admission.permitId() != null;
	}

	/** Time since the permit was granted. */
	public Duration elapsed() {
		return Duration.ofNanos(System.nanoTime() - this.startNanos);
	}

	/** The call succeeded; a call slower than the slow-call threshold counts as slow. */
	public void recordSuccess() {
		if (claim()) {
			long nanos = nanos();
			this.breaker.record(this.admission, this.breaker.getConfig().outcome(nanos), nanos);
		}
	}

	/** The call failed; the exception decides whether it counts (record and ignore lists). */
	public void recordFailure(Throwable failure) {
		if (claim()) {
			long nanos = nanos();
			this.breaker.record(this.admission,
					this.breaker.getConfig().outcome(Duration.ofNanos(nanos), Failures.unwrap(failure)), nanos);
		}
	}

	/** The call did not happen or does not count; a trial permit is given back. */
	public void release() {
		if (claim()) {
			this.breaker.record(this.admission, CallOutcome.IGNORED, nanos());
		}
	}

	/** Like {@link #recordSuccess()} without waiting for the store. */
	public CompletionStage<Void> recordSuccessAsync() {
		if (!claim()) {
			return done();
		}
		long nanos = nanos();
		return this.breaker.recordAsync(this.admission, this.breaker.getConfig().outcome(nanos), nanos);
	}

	/** Like {@link #recordFailure(Throwable)} without waiting for the store. */
	public CompletionStage<Void> recordFailureAsync(Throwable failure) {
		if (!claim()) {
			return done();
		}
		long nanos = nanos();
		return this.breaker.recordAsync(this.admission,
				this.breaker.getConfig().outcome(Duration.ofNanos(nanos), Failures.unwrap(failure)), nanos);
	}

	/** Like {@link #release()} without waiting for the store. */
	public CompletionStage<Void> releaseAsync() {
		return claim() ? this.breaker.recordAsync(this.admission, CallOutcome.IGNORED, nanos()) : done();
	}

	private long nanos() {
		return System.nanoTime() - this.startNanos;
	}

	/** Only the first report counts. */
	private boolean claim() {
		return REPORTED.compareAndSet(this, 0, 1);
	}

	private static CompletionStage<Void> done() {
		return CompletableFuture.completedFuture(null);
	}

}
