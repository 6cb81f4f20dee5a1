package io.redisbreaker.core;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import org.jspecify.annotations.Nullable;

/**
 * One breaker's view of its shared state on this instance ({@link Consistency#BOUNDED}), and the
 * outcomes counted here that the shared state has not seen yet.
 * <p>
 * The view decides while it is younger than the staleness bound: closed, disabled and forced open
 * without asking anyone, open until the open time Redis reported has passed on this instance's
 * monotonic clock. Anything else (a stale view, half-open, an open time that ran out) goes to the
 * store, whose answer the view learns. It takes a newer epoch, and an older one only from an answer
 * asked for after what it holds (the shared state was lost), never from a reply that was overtaken.
 * <p>
 * Counting a success costs striped adds and reads: nothing two threads write to while calls succeed.
 */
final class LocalView {

	/**
	 * What the view knows of the shared state.
	 * @param learnedNanos when it was asked for (so its age is never underestimated)
	 * @param openUntilNanos while open, when trial calls may be asked for, on this instance's clock
	 * @param admission the answer while this is fresh (closed, disabled, forced open), or {@code null}
	 */
	private record Seen(CircuitState state, long epoch, long learnedNanos, long openUntilNanos, long calls,
			long failedCalls, long slowCalls, long streak, @Nullable Admission admission) {

		static Seen of(CircuitState state, long epoch, long learnedNanos, long openUntilNanos, long calls,
				long failedCalls, long slowCalls, long streak) {
			Admission admission = switch (state) {
				case CLOSED, DISABLED -> new Admission(true, state, epoch, null, null, Admission.Issuer.SHARED, null);
				case FORCED_OPEN -> new Admission(false, state, epoch, null, null, Admission.Issuer.SHARED, null);
				default -> null;
			};
			return new Seen(state, epoch, learnedNanos, openUntilNanos, calls, failedCalls, slowCalls, streak,
					admission);
		}

	}

	/**
	 * Sequences of batches increase across the JVM. Not across restarts: the store tells a restarted
	 * instance's batches apart by a run token of its own, as a clock to start from may be hours off.
	 */
	private static final AtomicLong batchSequence = new AtomicLong();

	private final AtomicReference<@Nullable Seen> seen = new AtomicReference<>();

	private final LongAdder calls = new LongAdder();

	private final LongAdder failures = new LongAdder();

	private final LongAdder slow = new LongAdder();

	/** Outcomes counted against the run of failures since the last success not yet sent. */
	private final AtomicLong trailing = new AtomicLong();

	private final AtomicBoolean hadSuccess = new AtomicBoolean();

	private final AtomicBoolean pending = new AtomicBoolean();

	/** A batch whose merge failed: it is sent once more, with its sequence, so it counts at most once. */
	private final AtomicReference<@Nullable OutcomeBatch> unconfirmed = new AtomicReference<>();

	// Batches sent and not answered yet, combined by the merge rule: the shared counts learned do not
	// hold them yet, so deciding whether new failures could cross a threshold must add them. Written
	// under this object's lock by the senders, read without it.
	private int flights;

	private volatile long flightRun;

	private volatile boolean flightSuccess;

	private volatile long flightCalls;

	private volatile long flightFailures;

	private volatile long flightSlow;

	/**
	 * While this instance is open for itself alone (its failures crossed a threshold, too few instances
	 * were failing for the shared breaker to open): until when, on this instance's clock; 0 when not.
	 */
	private volatile long ownOpenUntilNanos;

	private volatile String ownOpenReason = "";

	/** The sequence of the batch sent again last, so a batch is sent again only once. */
	private volatile long resent;

	/**
	 * Batches sent because they could cross a threshold and not answered yet: until they are, the store
	 * decides, so this instance's next call reads the trip its own failures made.
	 */
	private final AtomicInteger urgent = new AtomicInteger();

	/**
	 * The admission the view gives now, or {@code null} when the store must decide: the view is older
	 * than {@code maxStalenessNanos}, the breaker is half-open, or its open time ran out.
	 */
	@Nullable Admission decide(long now, long maxStalenessNanos) {
		Seen s = this.seen.get();
		long ownUntil = this.ownOpenUntilNanos;
		if (ownUntil != 0 && now - ownUntil < 0 && (s == null || s.state != CircuitState.DISABLED)) {
			// Open for this instance alone: its own decision, whatever the shared state's freshness.
			return new Admission(false, CircuitState.OPEN, (s != null) ? s.epoch : 0, null,
					Duration.ofNanos(ownUntil - now), Admission.Issuer.LOCAL, null);
		}
		if (s == null || now - s.learnedNanos > maxStalenessNanos || this.urgent.get() > 0) {
			return null;
		}
		if (s.admission != null) {
			return s.admission;
		}
		if (s.state == CircuitState.OPEN && now - s.openUntilNanos < 0) {
			return new Admission(false, CircuitState.OPEN, s.epoch, null, Duration.ofNanos(s.openUntilNanos - now),
					Admission.Issuer.SHARED, null);
		}
		return null;
	}

	/** What {@link #count} did with an outcome. */
	enum Counted {

		/** The view has learned nothing yet: the store records the outcome. */
		BY_STORE,

		/** Counted, to be sent with the next batch (or dropped: of another epoch, it would count nothing). */
		LATER,

		/** Counted, and the batch must go at once: the outcomes not yet sent could cross a threshold. */
		NOW

	}

	/**
	 * Counts the outcome of a call the shared state admitted while closed; one of another epoch than the
	 * view's is dropped (it would be at merge).
	 */
	Counted count(long epoch, CallOutcome outcome, CircuitBreakerConfig config) {
		Seen s = this.seen.get();
		if (s == null) {
			return Counted.BY_STORE;
		}
		if (s.epoch != epoch || s.state != CircuitState.CLOSED || outcome == CallOutcome.IGNORED) {
			return Counted.LATER;
		}
		if (!outcome.isFailure()) {
			this.calls.increment();
			if (outcome.isSlow()) {
				this.slow.increment();
			}
			if (!this.pending.get()) {
				this.pending.set(true);
			}
			// Written only when it changes: while calls succeed, threads only read these. A success split
			// from its call by a batch taken in between ends the run one batch later, which is still
			// after every failure before it.
			if (this.trailing.get() != 0) {
				this.trailing.set(0);
			}
			if (!this.hadSuccess.get()) {
				this.hadSuccess.set(true);
			}
			return Counted.LATER;
		}
		// A failure is counted under the lock the senders take a batch under, so no batch holds part of
		// it and the estimate below sees every batch taken: failures are the rare path.
		synchronized (this) {
			// Read again under the lock: an answer learned since the first read has already been taken
			// off the batches in flight (learn comes before answered), and the old state with no batch
			// in flight would miss the failures that answer counted (seen once: a call admitted past
			// the instance's own trip).
			s = this.seen.get();
			if (s == null || s.epoch != epoch || s.state != CircuitState.CLOSED) {
				return Counted.LATER;
			}
			this.calls.increment();
			if (outcome.isRecordedFailure()) {
				this.failures.increment();
			}
			if (outcome.isSlow()) {
				this.slow.increment();
			}
			this.pending.set(true);
			long run = this.trailing.incrementAndGet();
			if (!this.hadSuccess.get()) {
				run += this.flightRun + (this.flightSuccess ? 0 : s.streak);
			}
			if (run >= config.getFailureThreshold()) {
				return Counted.NOW;
			}
			long n = s.calls + this.flightCalls + this.calls.sum();
			if (n < config.getMinimumCalls()) {
				return Counted.LATER;
			}
			boolean rateCrossed = (s.failedCalls + this.flightFailures + this.failures.sum()) * 100.0 / n >= config
				.getFailureRateThreshold()
					|| (s.slowCalls + this.flightSlow + this.slow.sum()) * 100.0 / n >= config
						.getSlowCallRateThreshold();
			return rateCrossed ? Counted.NOW : Counted.LATER;
		}
	}

	/** A batch that could cross a threshold is sent: the store decides until it is answered. */
	void urgentSent() {
		this.urgent.incrementAndGet();
	}

	void urgentAnswered() {
		this.urgent.decrementAndGet();
	}

	/** Whether outcomes wait to be sent. */
	boolean hasPending() {
		return this.pending.get() || this.unconfirmed.get() != null;
	}

	/** Whether the view should be read again: it is unknown or at least {@code ageNanos} old. */
	boolean isOlderThan(long now, long ageNanos) {
		Seen s = this.seen.get();
		return s == null || now - s.learnedNanos >= ageNanos;
	}

	/**
	 * The batch to send: a failed one again first, else the outcomes counted since the last one. Called
	 * under this object's lock, by the sender that sends it at once; {@link #answered} must follow.
	 */
	synchronized OutcomeBatch nextBatch() {
		OutcomeBatch batch = takeBatch();
		if (!batch.isEmpty()) {
			this.flights++;
			this.flightRun = batch.hadSuccess() ? batch.trailingFailures() : this.flightRun + batch.trailingFailures();
			this.flightSuccess |= batch.hadSuccess();
			this.flightCalls += batch.calls();
			this.flightFailures += batch.failures();
			this.flightSlow += batch.slow();
		}
		return batch;
	}

	/** The store answered (or failed) a batch from {@link #nextBatch()}; after its answer was learned. */
	synchronized void answered(OutcomeBatch batch) {
		if (!batch.isEmpty() && --this.flights == 0) {
			this.flightRun = 0;
			this.flightSuccess = false;
			this.flightCalls = 0;
			this.flightFailures = 0;
			this.flightSlow = 0;
		}
	}

	private OutcomeBatch takeBatch() {
		OutcomeBatch again = this.unconfirmed.getAndSet(null);
		if (again != null) {
			return again;
		}
		Seen s = this.seen.get();
		long epoch = (s != null) ? s.epoch : 0;
		if (!this.pending.getAndSet(false)) {
			return OutcomeBatch.read(epoch, batchSequence.incrementAndGet());
		}
		boolean success = this.hadSuccess.getAndSet(false);
		long run = this.trailing.getAndSet(0);
		return new OutcomeBatch(epoch, batchSequence.incrementAndGet(), this.calls.sumThenReset(),
				this.failures.sumThenReset(), this.slow.sumThenReset(), run, success);
	}

	/**
	 * A batch could not be merged (it may or may not have counted): it goes once more with its
	 * sequence, so it counts at most once; a second failure drops it.
	 */
	void failed(OutcomeBatch batch) {
		if (!batch.isEmpty() && batch.sequence() != this.resent) {
			this.resent = batch.sequence();
			this.unconfirmed.compareAndSet(null, batch);
		}
	}

	/** Learns the shared state a merge answered; {@code askedNanos} is when the batch was sent. */
	void learn(MergeResult result, long askedNanos) {
		long openUntil = askedNanos + Duration.ofMillis(result.openRemainingMillis()).toNanos();
		Seen next = Seen.of(result.state(), result.epoch(), askedNanos, openUntil, result.calls(),
				result.failedCalls(), result.slowCalls(), result.consecutiveFailures());
		while (true) {
			Seen s = this.seen.get();
			if (s == null || s.epoch != next.epoch || next.learnedNanos - s.learnedNanos > 0) {
				learn(next);
				return;
			}
			// Overtaken by a decision or command of the same epoch, which carried no counts: the counts
			// are still news.
			Seen counted = new Seen(s.state, s.epoch, s.learnedNanos, s.openUntilNanos, next.calls, next.failedCalls,
					next.slowCalls, next.streak, s.admission);
			if (this.seen.compareAndSet(s, counted)) {
				return;
			}
		}
	}

	/** Learns the state a decision of the store answered (not one of the failure policy's). */
	void learn(Admission admission, long askedNanos) {
		if (admission.issuer() != Admission.Issuer.SHARED || admission.epoch() < 0) {
			return;
		}
		Duration retryAfter = admission.retryAfter();
		long openUntil = (admission.state() == CircuitState.OPEN && retryAfter != null)
				? askedNanos + retryAfter.toNanos() : askedNanos;
		learnKeepingCounts(admission.state(), admission.epoch(), askedNanos, openUntil);
	}

	/**
	 * Learns a transition told by another instance or by this one. Its open time is not known: until it
	 * is read, the view assumes the first open timeout, and asks the store when that ran out.
	 */
	void learn(StateTransition transition, CircuitBreakerConfig config) {
		long now = System.nanoTime();
		Seen s = this.seen.get();
		if (s != null && transition.epoch() <= s.epoch) {
			// A transition told late (a listener, a message) says nothing about when it was made: it
			// never replaces what an answer asked for since has shown.
			return;
		}
		if (transition.to() == CircuitState.CLOSED || transition.to() == CircuitState.DISABLED) {
			// How late the message is nobody knows: one that lets calls through is learned as already
			// stale, so the store decides until the next read confirms it. Stricter states are safe to
			// take at once.
			learnKeepingCounts(transition.to(), transition.epoch(), now - STALE_NANOS, now);
			return;
		}
		learnKeepingCounts(transition.to(), transition.epoch(), now, now + config.getOpenTimeout().toNanos());
	}

	/** Older than any max-staleness, for a state learned without knowing when it held. */
	private static final long STALE_NANOS = java.util.concurrent.TimeUnit.HOURS.toNanos(1);

	/** Learns the state and epoch an operator command or a recorded outcome answered. */
	void learn(StateChange change, long askedNanos) {
		if (change.epoch() >= 0) {
			learnKeepingCounts(change.state(), change.epoch(), askedNanos, askedNanos);
		}
	}

	private void learnKeepingCounts(CircuitState state, long epoch, long learnedNanos, long openUntilNanos) {
		Seen s = this.seen.get();
		boolean sameEpoch = s != null && s.epoch == epoch;
		learn(Seen.of(state, epoch, learnedNanos, openUntilNanos, sameEpoch ? s.calls : 0,
				sameEpoch ? s.failedCalls : 0, sameEpoch ? s.slowCalls : 0, sameEpoch ? s.streak : 0));
	}

	private void learn(Seen next) {
		while (true) {
			Seen s = this.seen.get();
			// A newer epoch is always news. Otherwise only an answer asked for after what the view holds
			// is: an older epoch then means the shared state was lost (FLUSHALL, a failover to an empty
			// replica), since epochs never go back; a reply overtaken by a newer one is dropped.
			if (s != null && next.epoch <= s.epoch && next.learnedNanos - s.learnedNanos <= 0) {
				return;
			}
			if (this.seen.compareAndSet(s, next)) {
				if (s != null && s.epoch != next.epoch) {
					// Outcomes counted under the old epoch would count nothing at merge, and the shared
					// state has moved on from what opened this instance for itself.
					dropPending();
					this.ownOpenUntilNanos = 0;
				}
				return;
			}
		}
	}

	private void dropPending() {
		this.pending.set(false);
		this.hadSuccess.set(false);
		this.trailing.set(0);
		this.calls.reset();
		this.failures.reset();
		this.slow.reset();
		this.unconfirmed.set(null);
	}

	@Override
	public String toString() {
		return "LocalView[seen=" + this.seen.get() + ", pending=" + this.pending.get() + ", calls=" + this.calls.sum()
				+ ", trailing=" + this.trailing.get() + ", hadSuccess=" + this.hadSuccess.get() + ", flights="
				+ this.flights + ", flightRun=" + this.flightRun + ", urgent=" + this.urgent.get() + "]";
	}

	/**
	 * Opens this instance's view for itself alone until {@code untilNanos}, the shared state staying as
	 * it is (see {@link CircuitBreakerConfig#getMinimumFailingInstances()}); ends early when the shared
	 * state moves to another epoch (opened for all, reset by an operator).
	 * @return whether it was not open for itself already
	 */
	boolean openHere(long untilNanos, String reason) {
		boolean opened = !isOpenHere(System.nanoTime());
		this.ownOpenReason = reason;
		this.ownOpenUntilNanos = untilNanos;
		return opened;
	}

	/** Why this instance is open for itself alone now, or {@code null}. */
	@Nullable String openHereReason(long now) {
		return isOpenHere(now) ? this.ownOpenReason : null;
	}

	private boolean isOpenHere(long now) {
		long until = this.ownOpenUntilNanos;
		return until != 0 && now - until < 0;
	}

	/** The state as last learned, for tests and diagnostics; {@code null} before the first answer. */
	@Nullable CircuitState state() {
		Seen s = this.seen.get();
		return (s != null) ? s.state : null;
	}

}
