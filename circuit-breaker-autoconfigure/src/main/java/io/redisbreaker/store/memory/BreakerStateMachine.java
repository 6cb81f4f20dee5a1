package io.redisbreaker.store.memory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongUnaryOperator;

import io.redisbreaker.core.CallOutcome;
import io.redisbreaker.core.CircuitBreakerConfig;
import io.redisbreaker.core.CircuitSnapshot;
import io.redisbreaker.core.CircuitState;
import io.redisbreaker.core.MergeResult;
import io.redisbreaker.core.OutcomeBatch;
import io.redisbreaker.core.StateTransition;
import io.redisbreaker.core.TransitionRecord;
import io.redisbreaker.core.Admission;
import io.redisbreaker.core.OperatorCommand;
import io.redisbreaker.core.StateChange;
import org.jspecify.annotations.Nullable;

/**
 * The state machine of one breaker, in memory. The rules of a breaker live in two places that must
 * agree: the Lua scripts the Redis store runs ({@code io/redisbreaker/store/redis/*.lua}, with the
 * shared functions in {@code common.lua}) and this class. Its methods are named after the script
 * functions one for one ({@code acquire.lua} is {@link #acquire}, {@code transition()} is
 * {@link #transition}, {@code window_evict()} is {@link #windowEvict}, and so on), so a change to one
 * can be checked against the other; the store contract tests run against both. {@code read_state()}
 * and {@code keep_alive()} have no counterpart: the state is this object's fields and nothing here
 * expires. Methods are synchronized: this is the fallback path, not the hot one.
 */
final class BreakerStateMachine {

	private final String name;

	private final String instanceId;

	private final LongUnaryOperator epochs;

	private CircuitState state = CircuitState.CLOSED;

	private long epoch;

	private long openedAt;

	private long openUntil;

	private int reopens;

	private int trialSuccesses;

	private long changedAt;

	private String reason = "";

	private final Map<String, Long> permits = new HashMap<>();

	/** {@code BATCHES}: the sequence of the last batch merged in this epoch. */
	private long lastBatch = Long.MIN_VALUE;

	private final Deque<Long> streak = new ArrayDeque<>();

	private final SlidingWindow window = new SlidingWindow();

	/** {@code EVENTS}: the last {@link #EVENTS_KEPT} transitions, newest first. */
	private final Deque<TransitionRecord> events = new ArrayDeque<>();

	/** As common.lua's {@code EVENTS_KEPT}. */
	static final int EVENTS_KEPT = 50;

	/**
	 * @param epochs gives the epoch that follows a given one; it must never repeat an epoch for this
	 * name, even one of an earlier machine for it that was forgotten
	 */
	BreakerStateMachine(String name, String instanceId, LongUnaryOperator epochs) {
		this.name = name;
		this.instanceId = instanceId;
		this.epochs = epochs;
	}

	/** Takes over a state without a transition (nothing changed: this is the state all instances see). */
	synchronized BreakerStateMachine seed(CircuitState seeded, long seededEpoch, long seededOpenUntil) {
		this.state = seeded;
		// Its own transitions continue from the shared epoch, so they are never older than what was seen.
		this.epoch = Math.max(this.epoch, seededEpoch);
		this.openUntil = seededOpenUntil;
		this.openedAt = seededOpenUntil;
		return this;
	}

	synchronized Admission acquire(CircuitBreakerConfig config, String permitId, long now) {
		switch (this.state) {
			case CLOSED, DISABLED:
				return admission(true, null, null, null);
			case FORCED_OPEN:
				return admission(false, null, null, null);
			case OPEN:
				if (now < this.openUntil) {
					return admission(false, null, Duration.ofMillis(this.openUntil - now), null);
				}
				break;
			default:
				break;
		}
		StateTransition moved = null;
		if (this.state == CircuitState.OPEN) {
			moved = transition(CircuitState.HALF_OPEN, now,
					String.format("timeout: %.1fs", (now - this.openedAt) / 1000.0));
		}
		this.permits.values().removeIf((expiry) -> expiry <= now);
		// A retry after a lost reply holds its permit already: answer as the first attempt did.
		if (this.permits.containsKey(permitId)
				|| this.permits.size() + this.trialSuccesses < config.getHalfOpenMaxCalls()) {
			this.permits.put(permitId, now + config.getHalfOpenPermitLease().toMillis());
			return admission(true, permitId, null, moved);
		}
		long firstExpiry = this.permits.values().stream().mapToLong(Long::longValue).min().orElse(-1);
		return admission(false, null, (firstExpiry > now) ? Duration.ofMillis(firstExpiry - now) : null, moved);
	}

	synchronized StateChange record(CircuitBreakerConfig config, long epoch, @Nullable String permitId,
			CallOutcome outcome, long now) {
		boolean released = permitId != null && this.permits.remove(permitId) != null;
		if (epoch != this.epoch || outcome == CallOutcome.IGNORED) {
			return change(false, null);
		}
		return switch (this.state) {
			case CLOSED -> recordClosed(config, outcome, now);
			case HALF_OPEN -> (released || outcome.isFailure()) ? recordTrial(config, outcome, now) : change(false, null);
			default -> change(false, null);
		};
	}

	synchronized StateChange recordUnfenced(CircuitBreakerConfig config, CallOutcome outcome, long now) {
		if (this.state != CircuitState.CLOSED || outcome == CallOutcome.IGNORED) {
			return change(false, null);
		}
		return recordClosed(config, outcome, now);
	}

	/** record.lua's CLOSED branch: counts the outcome and opens on a run of failures or a rate. */
	private StateChange recordClosed(CircuitBreakerConfig config, CallOutcome outcome, long now) {
		String trip = countClosed(config, 1, outcome.isRecordedFailure() ? 1 : 0, outcome.isSlow() ? 1 : 0,
				outcome.isFailure() ? 1 : 0, !outcome.isFailure(), now);
		return change(true, (trip != null) ? open(config, now, trip, false) : null);
	}

	/**
	 * merge.lua: counts a batch of this instance's outcomes while CLOSED and in its epoch, once per
	 * sequence (this machine serves one instance, so the last sequence is all it keeps).
	 */
	synchronized MergeResult merge(CircuitBreakerConfig config, OutcomeBatch batch, long now) {
		return merge(config, batch, batch.epoch() == this.epoch, now);
	}

	/** Like {@link #merge}, in whatever epoch this machine is in (see {@link #recordUnfenced}). */
	synchronized MergeResult mergeUnfenced(CircuitBreakerConfig config, OutcomeBatch batch, long now) {
		return merge(config, batch, true, now);
	}

	private MergeResult merge(CircuitBreakerConfig config, OutcomeBatch batch, boolean inEpoch, long now) {
		boolean counted = false;
		StateTransition moved = null;
		String heldBack = "";
		if (!batch.isEmpty() && inEpoch && this.state == CircuitState.CLOSED
				&& batch.sequence() > this.lastBatch) {
			this.lastBatch = batch.sequence();
			counted = true;
			String trip = countClosed(config, batch.calls(), batch.failures(), batch.slow(), batch.trailingFailures(),
					batch.hadSuccess(), now);
			boolean failingHere = batch.failures() > 0 || batch.trailingFailures() > 0;
			if (trip != null && config.getMinimumFailingInstances() > 1 && !failingHere) {
				trip = null;
			}
			if (trip != null && config.getMinimumFailingInstances() > 1) {
				// This machine serves one instance: the only one ever failing here.
				heldBack = String.format("%s, but only 1 of %d instances failing", trip,
						config.getMinimumFailingInstances());
				trip = null;
			}
			if (trip != null) {
				moved = open(config, now, trip, false);
			}
		}
		windowEvict(config, now);
		long remaining = (this.state == CircuitState.OPEN) ? Math.max(this.openUntil - now, 0) : 0;
		long streak = (this.state == CircuitState.CLOSED) ? streakInWindow(config.getSlidingWindow().toMillis(), now) : 0;
		return new MergeResult(counted, this.state, this.epoch, remaining, this.window.calls(), this.window.failures(),
				this.window.slow(), streak, moved, heldBack);
	}

	/** {@code count_closed()}: counts calls of a closed breaker; says why it must open, or {@code null}. */
	private @Nullable String countClosed(CircuitBreakerConfig config, long n, long f, long sl, long run, boolean reset,
			long now) {
		long windowMillis = config.getSlidingWindow().toMillis();
		windowEvict(config, now);
		this.window.add(config, n, f, sl, now);
		String trip = null;
		if (reset) {
			this.streak.clear();
		}
		if (run > 0) {
			for (long i = Math.min(run, config.getFailureThreshold()); i > 0; i--) {
				this.streak.addFirst(now);
			}
			while (this.streak.size() > config.getFailureThreshold()) {
				this.streak.removeLast();
			}
			// As count_closed: every stamp of a full run must lie in the window, so stamps from before
			// the clock moved back do not count and are pushed out by the next failures.
			if (this.streak.size() == config.getFailureThreshold()
					&& streakInWindow(windowMillis, now) >= config.getFailureThreshold()) {
				trip = String.format("failures: %d/%d", config.getFailureThreshold(), config.getFailureThreshold());
			}
		}
		long calls = this.window.calls();
		if (trip == null && calls >= config.getMinimumCalls()) {
			double failureRate = this.window.failures() * 100.0 / calls;
			double slowRate = this.window.slow() * 100.0 / calls;
			if (failureRate >= config.getFailureRateThreshold()) {
				trip = String.format("failure rate: %.1f%% >= %.1f%% of %d calls", failureRate,
						config.getFailureRateThreshold(), calls);
			}
			else if (slowRate >= config.getSlowCallRateThreshold()) {
				trip = String.format("slow call rate: %.1f%% >= %.1f%% of %d calls", slowRate,
						config.getSlowCallRateThreshold(), calls);
			}
		}
		return trip;
	}

	/** record.lua's HALF_OPEN branch: a failed trial reopens, enough successes close. */
	private StateChange recordTrial(CircuitBreakerConfig config, CallOutcome outcome, long now) {
		if (outcome.isFailure()) {
			return change(true, open(config, now, "trial call failed", true));
		}
		this.trialSuccesses++;
		if (this.trialSuccesses >= config.getSuccessThreshold()) {
			String why = String.format("trial successes: %d/%d", this.trialSuccesses, config.getSuccessThreshold());
			this.reopens = 0;
			return change(true, transition(CircuitState.CLOSED, now, why));
		}
		return change(true, null);
	}

	/**
	 * operate.lua: every command starts a new epoch, also one that finds the breaker in its target
	 * state already (then no transition), so calls admitted before a reset no longer count.
	 */
	synchronized StateChange operate(OperatorCommand command, String why, long now) {
		CircuitState target = command.target();
		if (this.state == target) {
			nextEpoch();
			if (target == CircuitState.CLOSED) {
				clearCounters();
			}
			return change(true, null);
		}
		this.reopens = 0;
		this.openUntil = 0;
		return change(true, transition(target, now, why));
	}

	synchronized CircuitSnapshot snapshot(CircuitBreakerConfig config, long now) {
		windowEvict(config, now);
		int inWindow = streakInWindow(config.getSlidingWindow().toMillis(), now);
		int inFlight = (int) this.permits.values().stream().filter((expiry) -> expiry > now).count();
		return new CircuitSnapshot(this.name, this.state, this.epoch,
				(this.changedAt > 0) ? Instant.ofEpochMilli(this.changedAt) : null, this.reason,
				(this.state == CircuitState.OPEN) ? Instant.ofEpochMilli(this.openUntil) : null, inWindow,
				this.window.calls(), this.window.failures(), this.window.slow(), inFlight, this.trialSuccesses,
				this.reopens, (this.openedAt > 0) ? Instant.ofEpochMilli(this.openedAt) : null, isStored(),
				"", CircuitSnapshot.Source.LOCAL);
	}

	/** Whether anything differs from a breaker nobody used. */
	private boolean isStored() {
		return this.state != CircuitState.CLOSED || this.epoch != 0 || this.window.calls() > 0
				|| !this.streak.isEmpty() || !this.permits.isEmpty();
	}

	synchronized List<TransitionRecord> history() {
		return List.copyOf(this.events);
	}

	/** {@code window_evict()}: drops the buckets that left the window. */
	private void windowEvict(CircuitBreakerConfig config, long now) {
		this.window.evict(config, now);
	}

	/** {@code streak_in_window()}: failures of the current run stamped in (now - window, now]. */
	private int streakInWindow(long windowMillis, long now) {
		return (int) this.streak.stream().filter((t) -> t > now - windowMillis && t <= now).count();
	}

	synchronized @Nullable Duration remainingOpen(long now) {
		if (this.state != CircuitState.OPEN || now >= this.openUntil) {
			return null;
		}
		return Duration.ofMillis(this.openUntil - now);
	}

	private StateTransition open(CircuitBreakerConfig config, long now, String why, boolean fromTrial) {
		this.reopens = fromTrial ? this.reopens + 1 : 0;
		this.openedAt = now;
		this.openUntil = now + config.openTimeoutAfter(this.reopens).toMillis();
		return transition(CircuitState.OPEN, now, why);
	}

	private StateTransition transition(CircuitState to, long now, String why) {
		CircuitState from = this.state;
		this.state = to;
		nextEpoch();
		this.changedAt = now;
		this.reason = why;
		this.trialSuccesses = 0;
		clearCounters();
		this.events.addFirst(new TransitionRecord(this.name, this.instanceId, from, to, why, this.epoch,
				Instant.ofEpochMilli(now)));
		if (this.events.size() > EVENTS_KEPT) {
			this.events.removeLast();
		}
		return new StateTransition(this.name, from, to, this.epoch, why, this.instanceId, true);
	}

	/**
	 * {@code next_epoch()}: epochs never repeat for a name, even after this machine was forgotten
	 * ({@link InMemoryBreakerStore#clear()}); the store's epoch source guarantees that.
	 */
	private void nextEpoch() {
		this.epoch = this.epochs.applyAsLong(this.epoch);
	}

	/** {@code clear_counters()}. */
	private void clearCounters() {
		this.lastBatch = Long.MIN_VALUE;
		this.window.clear();
		this.streak.clear();
		this.permits.clear();
	}

	private Admission admission(boolean allowed, @Nullable String permitId, @Nullable Duration retryAfter,
			@Nullable StateTransition moved) {
		return new Admission(allowed, this.state, this.epoch, permitId, retryAfter, Admission.Issuer.LOCAL, moved);
	}

	private StateChange change(boolean counted, @Nullable StateTransition moved) {
		return new StateChange(counted, this.state, this.epoch, moved);
	}

}
