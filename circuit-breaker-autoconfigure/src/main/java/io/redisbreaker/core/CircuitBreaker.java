package io.redisbreaker.core;

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
 * the application; this object only asks the store and reports back. Get it from the
 * {@link CircuitBreakerRegistry}, which keeps one per name.
 * <p>
 * A protected call costs one store operation before it (the decision, and in half-open state the
 * trial permit) and one after it (the outcome).
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

	/** When a call last asked this breaker, coarsely (see {@link #touch()}). */
	private volatile long lastUsedNanos = System.nanoTime();

	CircuitBreaker(String name, CircuitBreakerConfig config, BreakerStore store, TransitionListener listener,
			String instanceId) {
		this(name, config, store, listener, instanceId, null);
	}

	private CircuitBreaker(String name, CircuitBreakerConfig config, BreakerStore store, TransitionListener listener,
			String instanceId, @Nullable OverLimit overLimit) {
		this.name = BreakerNames.validate(name);
		this.config = config;
		this.store = store;
		this.listener = listener;
		this.instanceId = instanceId;
		this.overLimit = overLimit;
	}

	/**
	 * A breaker that protects nothing because creating it would exceed {@code circuitbreaker.max-breakers}:
	 * it permits every call ({@code deny} false) or none, and reads and writes no store.
	 */
	static CircuitBreaker overLimit(String name, CircuitBreakerConfig config, BreakerStore store, String instanceId,
			boolean deny, String reason) {
		return new CircuitBreaker(name, config, store, (transition) -> {
		}, instanceId, new OverLimit(deny, reason));
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

	/** Notes a call; written at most once a second, so busy breakers do not contend on the field. */
	private void touch() {
		long now = System.nanoTime();
		if (now - this.lastUsedNanos > 1_000_000_000L) {
			this.lastUsedNanos = now;
		}
	}

	/**
	 * Asks for permission to make one call.
	 * @return the permit, on which the call's outcome must be reported
	 * @throws CircuitBreakerOpenException if the call is not permitted
	 */
	public CallPermit acquirePermission() {
		touch();
		if (this.overLimit != null) {
			return permit(Admission.untracked(!this.overLimit.deny(), CircuitState.CLOSED));
		}
		// Joined here so listeners run on the caller's thread, never on a Redis I/O thread.
		return permit(Failures.join(this.store.acquire(this.name, this.config, nextPermitId())));
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
		touch();
		if (this.overLimit != null) {
			try {
				return CompletableFuture.completedFuture(acquirePermission());
			}
			catch (CircuitBreakerOpenException ex) {
				return CompletableFuture.failedFuture(ex);
			}
		}
		return this.store.acquire(this.name, this.config, nextPermitId()).thenApplyAsync(this::permit, Callbacks.executor());
	}

	private CallPermit permit(Admission admission) {
		notify(admission.transition());
		if (!admission.allowed()) {
			this.counts.notPermitted();
			if (this.overLimit != null) {
				throw CircuitBreakerOpenException.overLimit(this.name, this.overLimit.reason());
			}
			throw new CircuitBreakerOpenException(this.name, admission.state(), admission.retryAfter(),
					(admission.issuer() == Admission.Issuer.NONE) ? "breaker store unavailable" : null);
		}
		return new CallPermit(this, admission);
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
		StateChange change = Failures.join(this.store.operate(this.name, command, reason));
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
		if (this.overLimit != null) {
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
		if (this.overLimit != null) {
			return CompletableFuture.completedFuture(null);
		}
		return this.store.record(this.name, this.config, admission, outcome).handleAsync(this::recorded, Callbacks.executor());
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
			this.listener.onTransition(transition);
		}
	}

	@Override
	public String toString() {
		return "CircuitBreaker[" + this.name + "]";
	}

}
