package io.redisbreaker.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.redisbreaker.core.MergeResult;
import io.redisbreaker.core.OperatorCommand;
import io.redisbreaker.core.OutcomeBatch;
import io.redisbreaker.core.StateChange;
import io.redisbreaker.core.Admission;
import io.redisbreaker.core.BreakerStore;
import io.redisbreaker.core.BreakerStoreUnavailableException;
import io.redisbreaker.core.Failures;
import io.redisbreaker.core.CallOutcome;
import io.redisbreaker.core.Callbacks;
import io.redisbreaker.core.CircuitBreakerConfig;
import io.redisbreaker.core.CircuitSnapshot;
import io.redisbreaker.core.CircuitState;
import io.redisbreaker.core.RecordedSettings;
import io.redisbreaker.core.StateTransition;
import io.redisbreaker.core.TransitionRecord;
import io.redisbreaker.connection.RedisFailures;
import io.redisbreaker.core.TransitionListener;
import io.redisbreaker.store.memory.InMemoryBreakerStore;
import io.redisbreaker.store.redis.RedisBreakerStore;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Keeps the breaker's own Redis trouble away from business calls. A decision waits for Redis at most
 * the timeout; an outcome is sent without anyone waiting for it. When Redis fails, stalls or turns
 * slow, it leaves the decision path ({@link RedisAvailability}) and the {@link RedisFailurePolicy}
 * decides, the local breakers starting from the state last seen ({@link LastSeenStates}). When one
 * breaker's keys are broken, only that breaker is handed to the policy ({@link BreakerFaults}).
 * <p>
 * An operation given up on may still be done by Redis later; what it did is not lost: a trial permit
 * granted too late is given back, and a transition made too late is still told.
 */
public final class FailoverBreakerStore implements BreakerStore, AutoCloseable {

	/** Trial outcomes kept while Redis is away, to send once it is back. */
	static final int MAX_PENDING_TRIAL_OUTCOMES = 1000;

	private static final Log logger = LogFactory.getLog(FailoverBreakerStore.class);

	private record PendingOutcome(String name, CircuitBreakerConfig config, Admission admission, CallOutcome outcome) {
	}

	private final RedisBreakerStore shared;

	private final InMemoryBreakerStore local;

	private final RedisFailurePolicy policy;

	private final long timeoutNanos;

	private final TransitionListener listener;

	private final RedisAvailability availability;

	private final LastSeenStates seen = new LastSeenStates(this::stateLost);

	private final AtomicLong lostStates = new AtomicLong();

	private final AtomicLong lastLostWarningNanos = new AtomicLong(System.nanoTime() - LOST_WARNING_INTERVAL_NANOS);

	/** Lost states are warned about at most once a minute: a FLUSHALL loses every breaker at once. */
	private static final long LOST_WARNING_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

	private final BreakerFaults faults;

	private final Queue<PendingOutcome> pendingTrials = new ConcurrentLinkedQueue<>();

	private final AtomicInteger pendingCount = new AtomicInteger();

	private final AtomicLong outages = new AtomicLong();

	/** The epochs seen when the current outage started: what the local breakers build on. */
	private volatile Map<String, Long> epochsAtOutage = Map.of();

	/**
	 * @param shared the Redis store
	 * @param local the store that decides while Redis cannot
	 * @param options the policy, the decision timeout, the slow threshold and the probe interval
	 * @param listener told of transitions that no caller is left to tell (made by operations given up on)
	 */
	public FailoverBreakerStore(RedisBreakerStore shared, InMemoryBreakerStore local, FailoverOptions options,
			TransitionListener listener) {
		this.shared = shared;
		this.local = local;
		this.policy = options.policy();
		this.timeoutNanos = options.timeout().toNanos();
		this.listener = listener;
		this.faults = new BreakerFaults(shared.keys()::repairCommand);
		this.availability = new RedisAvailability(options.timeout(), options.slowThreshold(),
				options.probeInterval(), this.policy.name().toLowerCase());
		this.availability.start(shared::ping, shared::connectAttempt, this::outageStarts, this::reconcile);
	}

	/** Whether Redis currently decides (as opposed to the failure policy). */
	public boolean isRedisAvailable() {
		return this.availability.isAvailable();
	}

	/** How many probes found Redis still unavailable since this store started. */
	public long getFailedProbes() {
		return this.availability.failedProbes();
	}

	/**
	 * How many times Redis left the decision path (unreachable, failing or slow) and the failure policy
	 * took over, since this store started.
	 */
	public long getOutages() {
		return this.outages.get();
	}

	/** How many times Redis had lost the breaker scripts (NOSCRIPT) and they were loaded again. */
	public long getScriptReloads() {
		return this.shared.scriptReloads();
	}

	/** How many times a Redis operation of the breakers was tried again after a connection failure. */
	public long getRedisRetries() {
		return this.shared.retries();
	}

	/**
	 * How many times a breaker last seen open, half-open, forced open or disabled was found without any
	 * state in Redis (its keys deleted or lost: FLUSHALL, a failover to an empty replica).
	 */
	public long getLostStates() {
		return this.lostStates.get();
	}

	private void stateLost(String name, CircuitState was) {
		long lost = this.lostStates.incrementAndGet();
		long last = this.lastLostWarningNanos.get();
		long now = System.nanoTime();
		if (now - last >= LOST_WARNING_INTERVAL_NANOS && this.lastLostWarningNanos.compareAndSet(last, now)) {
			logger.warn("Circuit breaker '" + name + "' was " + was + " but Redis holds no state for it any more: "
					+ "its keys were deleted or lost (FLUSHALL, a failover to a replica without them). It is CLOSED "
					+ "again on every instance and counts afresh; force it open through /actuator/circuitbreakers "
					+ "if the dependency is still down. " + lost + " breaker state(s) lost so far; warning at most "
					+ "once a minute.");
		}
	}

	/** How many breakers the failure policy decides for because their own keys are broken. */
	public int getBrokenBreakers() {
		return this.faults.count();
	}

	public RedisFailurePolicy getPolicy() {
		return this.policy;
	}

	/**
	 * Learns of a transition another instance made (or one whose reply was lost), so a local breaker
	 * taking over in an outage starts from it.
	 */
	public void observe(StateTransition transition) {
		this.seen.remember(transition);
	}

	@Override
	public CompletionStage<Admission> acquire(String name, CircuitBreakerConfig config, String permitId) {
		if (!this.availability.isAvailable()) {
			return degradedAcquire(name, config, permitId);
		}
		long started = System.nanoTime();
		CompletableFuture<Admission> attempt = start(() -> this.shared.acquire(name, config, permitId));
		CompletableFuture<Admission> answer = new CompletableFuture<>();
		attempt.whenComplete((admission, failure) -> {
			if (failure == null) {
				answered(name, started);
				this.seen.remember(name, admission);
				if (!answer.complete(admission)) {
					abandoned(name, config, admission);
				}
			}
			else if (!answer.isDone()) {
				answer.complete(failedAcquire(name, config, permitId, failure));
			}
		});
		// A copy times out, so the attempt itself still reports what Redis did after the caller gave up.
		answer.copy().orTimeout(this.timeoutNanos, TimeUnit.NANOSECONDS).whenComplete((admission, failure) -> {
			if (failure != null && !answer.isDone()) {
				this.availability.failed(new RedisAvailability.NoAnswerException("no answer within "
						+ Duration.ofNanos(this.timeoutNanos).toMillis() + " ms"));
				Admission degraded = degradedAcquire(name, config, permitId).toCompletableFuture().join();
				if (!answer.complete(degraded) && degraded.issuer() == Admission.Issuer.LOCAL) {
					// Redis answered in between and the caller has that answer: the local permit is unused.
					this.local.record(name, config, degraded, CallOutcome.IGNORED);
				}
			}
		});
		return answer;
	}

	private Admission failedAcquire(String name, CircuitBreakerConfig config, String permitId, Throwable failure) {
		if (BreakerFaults.concernsOneBreaker(failure)) {
			this.faults.failed(name, failure);
		}
		else {
			this.availability.failed(failure);
		}
		return degradedAcquire(name, config, permitId).toCompletableFuture().join();
	}

	/**
	 * Redis decided after the caller had been answered by the policy: nobody will use a trial permit
	 * granted then, so it is handed back at once, and a transition it made is still told.
	 */
	private void abandoned(String name, CircuitBreakerConfig config, Admission late) {
		if (late.transition() != null) {
			tellAsync(late.transition());
		}
		if (late.permitId() != null) {
			start(() -> this.shared.record(name, config, late, CallOutcome.IGNORED)).whenComplete((change, failure) -> {
				if (failure != null) {
					logger.debug("Could not give back the late trial permit of circuit breaker '" + name
							+ "'; its lease frees it", failure);
				}
			});
		}
	}

	@Override
	public CompletionStage<StateChange> record(String name, CircuitBreakerConfig config, Admission admission,
			CallOutcome outcome) {
		return switch (admission.issuer()) {
			// Outcomes of local permits count only while the local breakers decide: after Redis is back
			// they would only make a stale local state for the next outage.
			case LOCAL -> this.availability.isAvailable() && !this.faults.isBroken(name) ? untracked()
					: this.local.record(name, config, admission, outcome);
			case NONE -> untracked();
			case SHARED -> this.availability.isAvailable() ? sharedRecord(name, config, admission, outcome)
					: degradedRecord(name, config, admission, outcome);
		};
	}

	/**
	 * Sends the outcome and lets it take as long as Redis takes (the caller does not wait): a late
	 * answer still counts, and the transition it made is still told.
	 */
	private CompletionStage<StateChange> sharedRecord(String name, CircuitBreakerConfig config, Admission admission,
			CallOutcome outcome) {
		long started = System.nanoTime();
		return start(() -> this.shared.record(name, config, admission, outcome)).handle((change, failure) -> {
			if (failure == null) {
				answered(name, started);
				this.seen.remember(name, change);
				return CompletableFuture.completedFuture(change);
			}
			if (BreakerFaults.concernsOneBreaker(failure)) {
				this.faults.failed(name, failure);
				return untracked();
			}
			if (RedisAvailability.refusesWork(failure)) {
				// Redis answers but will not run the script (out of memory, READONLY after a failover,
				// LOADING, NOPERM): reads alone would keep it deciding while no outcome counts.
				this.availability.failed(failure);
				return degradedRecord(name, config, admission, outcome);
			}
			// A connection killed under one outcome is ridden out like any other: decisions are retried
			// within their budget, and a real outage shows in the next one. The outcome itself may have
			// counted, so it is not counted again: a trial outcome is kept and sent again (it counts only
			// with its permit), any other is dropped.
			return keepTrialOutcome(name, config, admission, outcome);
		}).thenCompose((stage) -> stage);
	}

	private void answered(String name, long startedNanos) {
		this.faults.worked(name);
		this.availability.answered(startedNanos);
		if (this.pendingCount.get() > 0) {
			sendPendingTrials();
		}
	}

	/**
	 * Merges the batch in Redis within the timeout. While the local breaker decides (policy
	 * {@code local}, Redis away or this breaker's keys broken) the batch counts there instead, and the
	 * view follows the local breaker; under the other policies it fails, the view goes stale, and calls
	 * are decided by the policy. A transition the merge made after the caller gave up is still told.
	 */
	@Override
	public CompletionStage<MergeResult> merge(String name, CircuitBreakerConfig config, OutcomeBatch batch) {
		if (isLocal(name)) {
			seedLocal(name, config);
			return CompletableFuture.completedFuture(this.local.mergeUnfenced(name, config, batch));
		}
		if (!this.availability.isAvailable() || this.faults.isBroken(name)) {
			return CompletableFuture.failedFuture(new IllegalStateException(
					"Redis does not decide for circuit breaker '" + name + "' now"));
		}
		long started = System.nanoTime();
		CompletableFuture<MergeResult> attempt = start(() -> this.shared.merge(name, config, batch));
		CompletableFuture<MergeResult> answer = attempt.copy().orTimeout(this.timeoutNanos, TimeUnit.NANOSECONDS);
		attempt.whenComplete((result, failure) -> {
			if (failure == null) {
				answered(name, started);
				this.seen.remember(name, new StateChange(result.counted(), result.state(), result.epoch(), null));
				if (answer.isCompletedExceptionally() && result.transition() != null) {
					tellAsync(result.transition());
				}
			}
			else if (BreakerFaults.concernsOneBreaker(failure)) {
				this.faults.failed(name, failure);
			}
			else if (RedisAvailability.refusesWork(failure)) {
				this.availability.failed(failure);
			}
		});
		return answer;
	}

	@Override
	public CompletionStage<StateChange> operate(String name, OperatorCommand command, String reason) {
		// An operator must know whether the command reached every instance, so failures are not hidden.
		if (!this.availability.isAvailable()) {
			return CompletableFuture.failedFuture(new BreakerStoreUnavailableException("Redis is unavailable for "
					+ "circuit breakers, so " + command + " of '" + name + "' cannot reach the other instances; "
					+ "nothing was changed. Try again once Redis answers"));
		}
		return timed(() -> this.shared.operate(name, command, reason)).handle((change, failure) -> {
			if (failure == null) {
				this.seen.remember(name, change);
				return CompletableFuture.completedFuture(change);
			}
			Throwable cause = Failures.unwrap(failure);
			RedisFailures.Kind kind = RedisFailures.classify(cause);
			if (kind == RedisFailures.Kind.NOT_SENT) {
				return CompletableFuture.<StateChange>failedFuture(new BreakerStoreUnavailableException("Redis could "
						+ "not be reached for " + command + " of '" + name + "' (" + RedisFailures.describe(cause)
						+ "); nothing was changed. Try again once Redis answers", cause));
			}
			if (cause instanceof TimeoutException || kind == RedisFailures.Kind.IN_DOUBT) {
				return CompletableFuture.<StateChange>failedFuture(new BreakerStoreUnavailableException("Redis did "
						+ "not answer " + command + " of '" + name + "' in time (" + RedisFailures.describe(cause)
						+ "); it may still have been made: read the breaker again", cause));
			}
			return CompletableFuture.<StateChange>failedFuture(cause);
		}).thenCompose((answer) -> answer);
	}

	@Override
	public CompletionStage<CircuitSnapshot> snapshot(String name, CircuitBreakerConfig config) {
		if (isLocal(name)) {
			return this.local.snapshot(name, config);
		}
		return timed(() -> this.shared.snapshot(name, config));
	}

	/**
	 * One round trip for all of them, under one timeout; a breaker that its local breaker decides for
	 * (Redis away, or its keys broken, under the {@code local} policy) is read there.
	 */
	@Override
	public CompletionStage<Map<String, CircuitSnapshot>> snapshots(Map<String, CircuitBreakerConfig> breakers) {
		if (!this.availability.isAvailable() && this.policy == RedisFailurePolicy.LOCAL) {
			return this.local.snapshots(breakers);
		}
		return timed(() -> this.shared.snapshots(breakers)).thenApply((snapshots) -> {
			Map<String, CircuitSnapshot> result = new TreeMap<>(snapshots);
			breakers.forEach((name, config) -> {
				if (isLocal(name)) {
					result.put(name, this.local.snapshot(name, config).toCompletableFuture().join());
				}
			});
			return result;
		});
	}

	/** Whether this instance's own breaker decides for this one now. */
	public boolean isLocal(String name) {
		return this.policy == RedisFailurePolicy.LOCAL
				&& (!this.availability.isAvailable() || this.faults.isBroken(name));
	}

	@Override
	public CompletionStage<Boolean> register(String name) {
		// Listing the name is best effort: a breaker works without being listed, and one that could not
		// be listed now is listed by its next write.
		return timed(() -> this.shared.register(name)).exceptionally((failure) -> true);
	}

	@Override
	public CompletionStage<List<TransitionRecord>> history(Collection<String> names) {
		if (!this.availability.isAvailable()) {
			return this.local.history(names);
		}
		return timed(() -> this.shared.history(names));
	}

	@Override
	public CompletionStage<Optional<RecordedSettings>> checkSettings(String name, CircuitBreakerConfig config) {
		return timed(() -> this.shared.checkSettings(name, config));
	}

	/**
	 * Forgets what this store keeps about breakers no longer in use, here or anywhere in the fleet, so
	 * names made per request do not pile up.
	 * @param keep accepts the names still in use
	 */
	public void retain(Predicate<String> keep) {
		this.seen.retain(keep);
		this.faults.retain(keep);
		this.local.retain(keep);
	}

	@Override
	public CompletionStage<Set<String>> names() {
		if (!this.availability.isAvailable()) {
			// The fleet's index is out of reach: the breakers this instance's fallback knows (the registry
			// adds those this JVM uses), rather than a listing that fails until Redis is back.
			return this.local.names();
		}
		return timed(this.shared::names);
	}

	@Override
	public CompletionStage<Void> ping() {
		return timed(this.shared::ping);
	}

	@Override
	public void close() {
		this.availability.close();
		this.shared.close();
	}

	/** Bounds a Redis operation by the timeout; a failure to even start it fails the stage too. */
	private <T> CompletableFuture<T> timed(Supplier<? extends CompletionStage<T>> operation) {
		// A copy times out, so the timeout never completes the store's own stage.
		return start(operation).copy().orTimeout(this.timeoutNanos, TimeUnit.NANOSECONDS);
	}

	private static <T> CompletableFuture<T> start(Supplier<? extends CompletionStage<T>> operation) {
		try {
			return operation.get().toCompletableFuture();
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	private CompletionStage<Admission> degradedAcquire(String name, CircuitBreakerConfig config, String permitId) {
		return switch (this.policy) {
			case LOCAL -> {
				seedLocal(name, config);
				yield this.local.acquire(name, config, permitId);
			}
			case ALLOW -> CompletableFuture.completedFuture(Admission.untracked(true, CircuitState.CLOSED));
			case DENY -> CompletableFuture.completedFuture(Admission.untracked(false, CircuitState.OPEN));
		};
	}

	private void seedLocal(String name, CircuitBreakerConfig config) {
		LastSeenStates.Start start = this.seen.startFor(name, config, this.availability.outageStartNanos());
		if (start != null) {
			this.local.seed(name, start.state(), start.epoch(), start.openFor());
		}
	}

	/**
	 * An outcome of a call Redis admitted that cannot reach Redis now. A trial call's outcome is kept
	 * and sent when Redis is back (the script still checks its epoch and permit), so a half-open period
	 * does not wait for leases to run out; other outcomes count in the local breaker.
	 */
	private CompletionStage<StateChange> degradedRecord(String name, CircuitBreakerConfig config, Admission admission,
			CallOutcome outcome) {
		if (keptForLater(name, config, admission, outcome)) {
			return untracked();
		}
		if (this.policy == RedisFailurePolicy.LOCAL) {
			seedLocal(name, config);
			return CompletableFuture.completedFuture(this.local.recordUnfenced(name, config, outcome));
		}
		return untracked();
	}

	private CompletionStage<StateChange> keepTrialOutcome(String name, CircuitBreakerConfig config, Admission admission,
			CallOutcome outcome) {
		keptForLater(name, config, admission, outcome);
		return untracked();
	}

	/** Keeps a trial outcome to send later, unless it is no trial outcome or too many are kept already. */
	private boolean keptForLater(String name, CircuitBreakerConfig config, Admission admission, CallOutcome outcome) {
		if (admission.permitId() == null) {
			return false;
		}
		if (this.pendingCount.incrementAndGet() > MAX_PENDING_TRIAL_OUTCOMES) {
			this.pendingCount.decrementAndGet();
			return false;
		}
		this.pendingTrials.add(new PendingOutcome(name, config, admission, outcome));
		return true;
	}

	private static CompletionStage<StateChange> untracked() {
		return CompletableFuture.completedFuture(StateChange.untracked());
	}

	private void outageStarts() {
		this.outages.incrementAndGet();
		// Whatever a previous outage left in the local breakers is stale by now.
		this.local.clear();
		this.epochsAtOutage = this.seen.epochs();
	}

	/**
	 * Runs when Redis answers again, before it decides again: trial outcomes kept during the outage are
	 * sent, then a breaker that opened locally opens the shared breaker for the time it has left, but
	 * only if the shared breaker is still closed in the epoch this instance last saw: if it moved on
	 * meanwhile (other instances opened, tried and closed it), that newer state stands.
	 */
	private void reconcile() {
		sendPendingTrials().join();
		if (this.policy == RedisFailurePolicy.LOCAL) {
			this.local.forEachOpen((name, left) -> {
				// Late replies may have taught newer epochs meanwhile; the local breaker built on this one.
				long expectedEpoch = this.epochsAtOutage.getOrDefault(name, 0L);
				try {
					StateChange change = timed(() -> this.shared.reconcileOpen(name, left, expectedEpoch,
							"opened locally during a Redis outage"))
						.join();
					tell(name, change);
				}
				catch (RuntimeException ex) {
					logger.debug("Could not reconcile circuit breaker '" + name + "': " + RedisFailures.describe(ex));
				}
			});
		}
		this.local.clear();
	}

	/**
	 * Sends the trial outcomes kept while Redis could not take them. Sending one twice is harmless: the
	 * script counts a trial outcome only with its permit, which the first run removes.
	 */
	private CompletableFuture<Void> sendPendingTrials() {
		List<CompletableFuture<?>> sent = new ArrayList<>();
		for (PendingOutcome pending; (pending = this.pendingTrials.poll()) != null;) {
			this.pendingCount.decrementAndGet();
			PendingOutcome outcome = pending;
			sent.add(timed(() -> this.shared.record(outcome.name(), outcome.config(), outcome.admission(),
					outcome.outcome()))
				.handle((change, failure) -> {
					if (failure == null) {
						tell(outcome.name(), change);
					}
					else {
						logger.debug("Could not send a kept trial outcome of circuit breaker '" + outcome.name()
								+ "': " + RedisFailures.describe(failure));
					}
					return null;
				}));
		}
		return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
	}

	private void tell(String name, StateChange change) {
		this.seen.remember(name, change);
		if (change.transition() != null) {
			tellAsync(change.transition());
		}
	}

	/**
	 * Tells a transition off the thread that completed the Redis operation (a Redis I/O thread, which a
	 * listener must never hold up), and keeps a failing listener from breaking the caller.
	 */
	private void tellAsync(StateTransition transition) {
		CompletableFuture.runAsync(() -> this.listener.onTransition(transition), Callbacks.executor()).whenComplete((done, failure) -> {
			if (failure != null) {
				logger.warn("Transition listener failed for " + transition, failure);
			}
		});
	}

}
