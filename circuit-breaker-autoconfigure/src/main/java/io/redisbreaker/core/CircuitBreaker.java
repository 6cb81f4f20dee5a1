package io.redisbreaker.core;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * One named circuit breaker. Its state lives in a {@link BreakerStore} shared by every instance of
 * the application. Get it from the {@link CircuitBreakerRegistry}, which keeps one per name.
 * <p>
 * With {@link Consistency#STRICT} a protected call costs one store operation before it (the decision,
 * and in half-open state the trial permit) and one after it (the outcome, not waited for). With
 * {@link Consistency#BOUNDED} (the default) a {@link LocalView} of the shared state decides and counts
 * here, and the registry's {@link OutcomeFlusher} merges the counts into the shared state in batches;
 * the store is asked only when the view is stale, half-open, or at the end of an open time.
 */
public final class CircuitBreaker {

	private static final Log logger = LogFactory.getLog(CircuitBreaker.class);

	private static final AtomicLong permitSequence = new AtomicLong();

	private final String name;

	private final CircuitBreakerConfig config;

	private final BreakerStore store;

	private final TransitionListener listener;

	private final String instanceId;

	private final CallCounts counts = new CallCounts();

	/** Why this breaker protects nothing (over the limit on breakers), or {@code null} when it does. */
	private final @Nullable OverLimit overLimit;

	/** The local view of the shared state ({@link Consistency#BOUNDED}), or {@code null}. */
	private final @Nullable LocalView view;

	/** Sends what the view counted; {@code null} when there is no view. */
	private final @Nullable OutcomeFlusher flusher;

	private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

	/** When a call last asked this breaker, coarsely (see {@link #touch()}). */
	private volatile long lastUsedNanos = System.nanoTime();

	CircuitBreaker(String name, CircuitBreakerConfig config, BreakerStore store, TransitionListener listener,
			String instanceId, @Nullable LocalView view, OutcomeFlusher flusher) {
		this(name, config, store, listener, instanceId, null, view, flusher);
	}

	private CircuitBreaker(String name, CircuitBreakerConfig config, BreakerStore store, TransitionListener listener,
			String instanceId, @Nullable OverLimit overLimit, @Nullable LocalView view,
			@Nullable OutcomeFlusher flusher) {
		this.name = BreakerNames.validate(name);
		this.config = config;
		this.store = store;
		this.listener = listener;
		this.instanceId = instanceId;
		this.overLimit = overLimit;
		boolean bounded = overLimit == null && view != null && flusher != null;
		this.view = bounded ? view : null;
		this.flusher = bounded ? flusher : null;
		if (bounded) {
			flusher.start();
		}
	}

	/**
	 * A breaker that protects nothing because creating it would exceed {@code circuitbreaker.max-breakers}:
	 * it permits every call ({@code deny} false) or none, and reads and writes no store.
	 */
	static CircuitBreaker overLimit(String name, CircuitBreakerConfig config, BreakerStore store, String instanceId,
			boolean deny, String reason) {
		return new CircuitBreaker(name, config, store, (transition) -> {
		}, instanceId, new OverLimit(deny, reason), null, null);
	}

	/** @param deny whether calls are rejected; @param reason why, for the rejection's message */
	private record OverLimit(boolean deny, String reason) {
	}

	public String getName() {
		return this.name;
	}

	public CircuitBreakerConfig getConfig() {
		return this.config;
	}

	/** What this breaker saw of its calls on this instance: the source of its metrics. */
	public CallCounts getCallCounts() {
		return this.counts;
	}

	/**
	 * Whether this breaker protects nothing because the limit on breakers
	 * ({@code circuitbreaker.max-breakers}) was reached when it was asked for: its calls run unprotected,
	 * or are all rejected under {@code circuitbreaker.overflow-policy=deny}.
	 */
	public boolean isOverLimit() {
		return this.overLimit != null;
	}

	/** Nanos ({@link System#nanoTime()}) of the last call, to at most a second. */
	long lastUsedNanos() {
		return this.lastUsedNanos;
	}

	/**
	 * Notes a call and answers the time, read once per decision (the view and the permit use it too);
	 * written at most once a second, so busy breakers do not contend on the field.
	 */
	private long touch() {
		long now = System.nanoTime();
		if (now - this.lastUsedNanos > 1_000_000_000L) {
			this.lastUsedNanos = now;
		}
		return now;
	}

	/**
	 * Asks for permission to make one call.
	 * @return the permit, on which the call's outcome must be reported
	 * @throws CircuitBreakerOpenException if the call is not permitted
	 */
	public CallPermit acquirePermission() {
		long now = touch();
		if (this.overLimit != null) {
			return permit(Admission.untracked(!this.overLimit.deny(), CircuitState.CLOSED));
		}
		LocalView view = this.view;
		if (view == null) {
			// Joined here so listeners run on the caller's thread, never on a Redis I/O thread.
			return permit(Failures.join(this.store.acquire(this.name, this.config, nextPermitId())));
		}
		Admission decided = view.decide(now, this.flusher.maxStalenessNanos());
		if (decided != null) {
			return permit(decided, now);
		}
		Admission answered = Failures.join(this.store.acquire(this.name, this.config, nextPermitId()));
		view.learn(answered, now);
		return permit(answered);
	}

	/** Like {@link #acquirePermission()}, but empty instead of throwing when the call is not permitted. */
	public Optional<CallPermit> tryAcquirePermission() {
		try {
			return Optional.of(acquirePermission());
		}
		catch (CircuitBreakerOpenException ex) {
			return Optional.empty();
		}
	}

	/**
	 * Asks for permission without blocking; the stage fails with {@link CircuitBreakerOpenException}.
	 * The stage completes off the Redis I/O thread, so neither listeners nor whatever the caller chains
	 * on it (a reactive source's subscription, for one) can stall the connection all breakers share.
	 */
	public CompletionStage<CallPermit> acquirePermissionAsync() {
		long now = touch();
		if (this.overLimit != null) {
			try {
				return CompletableFuture.completedFuture(acquirePermission());
			}
			catch (CircuitBreakerOpenException ex) {
				return CompletableFuture.failedFuture(ex);
			}
		}
		LocalView view = this.view;
		if (view == null) {
			return this.store.acquire(this.name, this.config, nextPermitId()).thenApplyAsync(this::permit,
					Callbacks.executor());
		}
		Admission decided = view.decide(now, this.flusher.maxStalenessNanos());
		if (decided != null) {
			try {
				return CompletableFuture.completedFuture(permit(decided, now));
			}
			catch (CircuitBreakerOpenException ex) {
				return CompletableFuture.failedFuture(ex);
			}
		}
		return this.store.acquire(this.name, this.config, nextPermitId()).thenApplyAsync((answered) -> {
			view.learn(answered, now);
			return permit(answered);
		}, Callbacks.executor());
	}

	private CallPermit permit(Admission admission) {
		return permit(admission, System.nanoTime());
	}

	/** @param startNanos when the call was permitted, as read for the decision */
	private CallPermit permit(Admission admission, long startNanos) {
		notify(admission.transition());
		if (!admission.allowed()) {
			this.counts.notPermitted();
			if (this.overLimit != null) {
				throw CircuitBreakerOpenException.overLimit(this.name, this.overLimit.reason());
			}
			throw new CircuitBreakerOpenException(this.name, admission.state(), admission.retryAfter(),
					(admission.issuer() == Admission.Issuer.NONE) ? "breaker store unavailable" : null);
		}
		return new CallPermit(this, admission, startNanos);
	}

	private String nextPermitId() {
		return this.instanceId + ":" + permitSequence.incrementAndGet();
	}

	/** Runs the supplier if permitted and records how it ended. */
	public <T> T executeSupplier(Supplier<T> supplier) {
		CallPermit permit = acquirePermission();
		T result;
		try {
			result = supplier.get();
		}
		catch (RuntimeException | Error ex) {
			permit.recordFailure(ex);
			throw ex;
		}
		permit.recordSuccess();
		return result;
	}

	/** Runs the callable if permitted and records how it ended. */
	public <T> T executeCallable(Callable<T> callable) throws Exception {
		CallPermit permit = acquirePermission();
		T result;
		try {
			result = callable.call();
		}
		catch (Exception | Error ex) {
			permit.recordFailure(ex);
			throw ex;
		}
		permit.recordSuccess();
		return result;
	}

	/** Runs the runnable if permitted and records how it ended. */
	public void executeRunnable(Runnable runnable) {
		executeSupplier(() -> {
			runnable.run();
			return null;
		});
	}

	/**
	 * Starts the asynchronous call if permitted and records its outcome when it completes, without
	 * delaying the returned stage. Permission is asked on the caller's thread, so the call never starts
	 * on a Redis I/O thread; a rejected call gives a stage failed with {@link CircuitBreakerOpenException}.
	 */
	public <T> CompletionStage<T> executeCompletionStage(Supplier<? extends CompletionStage<T>> call) {
		CallPermit permit;
		try {
			permit = acquirePermission();
		}
		catch (CircuitBreakerOpenException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		CompletionStage<T> started;
		try {
			started = call.get();
		}
		catch (RuntimeException | Error ex) {
			permit.recordFailureAsync(ex);
			return CompletableFuture.failedFuture(ex);
		}
		CompletableFuture<T> result = new CompletableFuture<>();
		started.whenComplete((value, failure) -> {
			if (failure == null) {
				permit.recordSuccessAsync();
				result.complete(value);
			}
			else {
				permit.recordFailureAsync(failure);
				// The caller sees the call's own exception, not a CompletionException around it.
				result.completeExceptionally(Failures.unwrap(failure));
			}
		});
		return result;
	}

	/** Reads state and counts from the store. */
	public CircuitSnapshot getSnapshot() {
		return Failures.join(this.store.snapshot(this.name, this.config));
	}

	public CircuitState getState() {
		return getSnapshot().state();
	}

	/** Rejects every call on every instance until {@link #forceClose()} or {@link #reset()}. */
	public CircuitState forceOpen() {
		return operate(OperatorCommand.FORCE_OPEN, "forced open");
	}

	/** Back to closed on every instance, with fresh counts. */
	public CircuitState forceClose() {
		return operate(OperatorCommand.CLOSE, "forced close");
	}

	/** Permits every call and records nothing on every instance until closed again. */
	public CircuitState disable() {
		return operate(OperatorCommand.DISABLE, "disabled");
	}

	/** Back to closed on every instance, forgetting counts and the growing open timeout. */
	public CircuitState reset() {
		return operate(OperatorCommand.CLOSE, "reset");
	}

	private CircuitState operate(OperatorCommand command, String reason) {
		if (this.overLimit != null) {
			// It has no state anywhere: writing one would leave keys the fleet's index has no room for.
			throw new IllegalStateException("Circuit breaker '" + this.name + "' was not created ("
					+ this.overLimit.reason() + "), so it cannot be " + reason);
		}
		long asked = System.nanoTime();
		StateChange change = Failures.join(this.store.operate(this.name, command, reason));
		if (this.view != null) {
			this.view.learn(change, asked);
		}
		notify(change.transition());
		return change.state();
	}

	/**
	 * Sends an outcome without waiting for the store: the call has already run, and neither a slow
	 * store nor the breaker's own trouble may delay its caller. A transition the outcome causes is told
	 * on the caller's thread when the store answered at once (the in-memory store), and otherwise when
	 * the answer arrives, off the store's I/O thread.
	 */
	void record(Admission admission, CallOutcome outcome, long nanos) {
		this.counts.record(outcome, nanos);
		if (this.overLimit != null || countedInView(admission, outcome)) {
			return;
		}
		CompletableFuture<StateChange> sent;
		try {
			sent = this.store.record(this.name, this.config, admission, outcome).toCompletableFuture();
		}
		catch (RuntimeException ex) {
			logger.debug("Could not record outcome of circuit breaker '" + this.name + "'", ex);
			return;
		}
		if (sent.isDone()) {
			sent.handle(this::recorded);
		}
		else {
			// Most outcomes change nothing: only one that made a transition leaves the I/O thread.
			sent.whenComplete((change, failure) -> {
				if (failure != null || (change != null && change.transition() != null)) {
					CompletableFuture.runAsync(() -> recorded(change, failure), Callbacks.executor());
				}
			});
		}
	}

	CompletionStage<Void> recordAsync(Admission admission, CallOutcome outcome, long nanos) {
		this.counts.record(outcome, nanos);
		if (this.overLimit != null || countedInView(admission, outcome)) {
			return DONE;
		}
		return this.store.record(this.name, this.config, admission, outcome).handleAsync(this::recorded, Callbacks.executor());
	}

	/**
	 * Counts the outcome in the local view when the shared state admitted the call while closed (a
	 * trial call's outcome, one the failure policy admitted, or one the view cannot place yet goes to the
	 * store as it would without a view); sends at once when the unsent outcomes could cross a threshold.
	 */
	private boolean countedInView(Admission admission, CallOutcome outcome) {
		LocalView view = this.view;
		if (view == null || admission.permitId() != null || admission.issuer() != Admission.Issuer.SHARED
				|| admission.state() != CircuitState.CLOSED) {
			return false;
		}
		LocalView.Counted counted = view.count(admission.epoch(), outcome, this.config);
		if (counted == LocalView.Counted.BY_STORE) {
			return false;
		}
		if (counted == LocalView.Counted.NOW) {
			// Sent from this thread, ahead of its next decision on the same connection, and the store
			// decides until it is answered: this instance never admits a call past its own trip.
			view.urgentSent();
			CompletableFuture<?> sent = send(view, System.nanoTime());
			if (sent == null) {
				view.urgentAnswered();
			}
			else {
				sent.whenComplete((done, failure) -> view.urgentAnswered());
			}
		}
		return true;
	}

	/**
	 * Sends the view's batch when it has outcomes to send, or when it is about to turn stale and the
	 * breaker was used lately; the answer is learned, and a transition the batch made is told.
	 */
	@Nullable CompletableFuture<?> flush(long now, long refreshAgeNanos, long idleNanos) {
		LocalView view = this.view;
		if (view == null || (!view.hasPending()
				&& (now - this.lastUsedNanos > idleNanos || !view.isOlderThan(now, refreshAgeNanos)))) {
			return null;
		}
		return send(view, now);
	}

	/**
	 * Takes the view's batch and sends it. Taking and sending happen under the view's lock (never taken
	 * by a call that succeeds or fails, only by senders), so batches leave in the order they were taken:
	 * a caller's urgent batch, or its read, never overtakes a batch the flusher took just before with
	 * the caller's failures in it.
	 */
	private @Nullable CompletableFuture<?> send(LocalView view, long now) {
		OutcomeBatch batch;
		CompletionStage<MergeResult> merged;
		synchronized (view) {
			batch = view.nextBatch();
			try {
				merged = this.store.merge(this.name, this.config, batch);
			}
			catch (RuntimeException ex) {
				view.failed(batch);
				view.answered(batch);
				return null;
			}
		}
		return merged.toCompletableFuture().whenComplete((result, failure) -> {
			if (failure != null) {
				view.failed(batch);
				view.answered(batch);
				logger.debug("Could not merge the outcomes of circuit breaker '" + this.name + "'", failure);
				return;
			}
			view.learn(result, now);
			view.answered(batch);
			if (!result.heldBack().isEmpty()) {
				openHere(view, result.heldBack());
			}
			if (result.transition() != null) {
				CompletableFuture.runAsync(() -> notify(result.transition()), Callbacks.executor());
			}
		});
	}

	/**
	 * The blast-radius guard: this instance's failures would have opened the breaker, but too few
	 * instances are failing, so it opens for this instance alone and the fleet keeps calling.
	 */
	private void openHere(LocalView view, String reason) {
		Duration openFor = this.config.getOpenTimeout();
		if (view.openHere(System.nanoTime() + openFor.toNanos(), reason)) {
			logger.warn("Circuit breaker '" + this.name + "' is open on this instance only, for " + openFor.toMillis()
					+ " ms: " + reason + " (minimum-failing-instances " + this.config.getMinimumFailingInstances()
					+ "). The other instances keep calling; this one calls again when the time is up.");
		}
	}

	/**
	 * Why this breaker is open on this instance alone ({@code minimum-failing-instances}), or
	 * {@code null} when it follows the shared state.
	 */
	public @Nullable String getOpenHereOnly() {
		return (this.view != null) ? this.view.openHereReason(System.nanoTime()) : null;
	}

	/** Learns a transition another instance made (told by Pub/Sub). */
	void hear(StateTransition transition) {
		if (this.view != null) {
			this.view.learn(transition, this.config);
		}
	}

	/** The local view, or {@code null}. */
	@Nullable LocalView view() {
		return this.view;
	}

	/** What the local view holds, or {@code null} without one or before it learned anything. */
	@Nullable CircuitState viewState() {
		return (this.view != null) ? this.view.state() : null;
	}

	private @Nullable Void recorded(@Nullable StateChange change,
			@Nullable Throwable failure) {
		if (failure != null) {
			// The call already ran; the breaker's own trouble must not become the caller's.
			logger.debug("Could not record outcome of circuit breaker '" + this.name + "'", failure);
		}
		else if (change != null) {
			notify(change.transition());
		}
		return null;
	}

	private void notify(@Nullable StateTransition transition) {
		if (transition != null) {
			if (this.view != null) {
				this.view.learn(transition, this.config);
			}
			this.listener.onTransition(transition);
		}
	}

	@Override
	public String toString() {
		return "CircuitBreaker[" + this.name + "]";
	}

}
