package io.redisbreaker.store;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.redisbreaker.core.CallOutcome;
import io.redisbreaker.core.CircuitBreakerConfig;
import io.redisbreaker.core.CircuitSnapshot;
import io.redisbreaker.core.CircuitState;
import io.redisbreaker.core.Failures;
import io.redisbreaker.core.TransitionListener;
import io.redisbreaker.store.memory.InMemoryBreakerStore;
import io.redisbreaker.store.redis.RedisBreakerStore;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Keeps the breaker's own Redis trouble away from business calls. Each Redis operation gets a short
 * timeout; when one fails, Redis is taken out of the call path and the {@link RedisFailurePolicy}
 * decides instead, so calls no longer wait on a dead server. A background probe pings Redis and puts
 * it back once it answers, after reconciling what the local breakers learned meanwhile.
 */
public final class FailoverBreakerStore implements BreakerStore, AutoCloseable {

	/** Default timeout of one breaker operation against Redis. */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(250);

	/** Default pause between two probes of an unavailable Redis. */
	public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofSeconds(1);

	private static final Log logger = LogFactory.getLog(FailoverBreakerStore.class);

	private final RedisBreakerStore shared;

	private final InMemoryBreakerStore local;

	private final RedisFailurePolicy policy;

	private final long timeoutMillis;

	private final Duration probeInterval;

	private final TransitionListener listener;

	private final ScheduledExecutorService prober;

	private volatile boolean available = true;

	public FailoverBreakerStore(RedisBreakerStore shared, InMemoryBreakerStore local, RedisFailurePolicy policy,
			Duration timeout, Duration probeInterval, TransitionListener listener) {
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("circuitbreaker.redis-timeout must be positive but was " + timeout);
		}
		if (probeInterval.isNegative() || probeInterval.isZero()) {
			throw new IllegalArgumentException(
					"circuitbreaker.redis-probe-interval must be positive but was " + probeInterval);
		}
		this.shared = shared;
		this.local = local;
		this.policy = policy;
		this.timeoutMillis = timeout.toMillis();
		this.probeInterval = probeInterval;
		this.listener = listener;
		this.prober = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "circuit-breaker-redis-probe");
			thread.setDaemon(true);
			return thread;
		});
	}

	/** Whether Redis currently decides (as opposed to the failure policy). */
	public boolean isRedisAvailable() {
		return this.available;
	}

	public RedisFailurePolicy getPolicy() {
		return this.policy;
	}

	@Override
	public CompletionStage<Admission> acquire(String name, CircuitBreakerConfig config, String permitId) {
		if (!this.available) {
			return degradedAcquire(name, config, permitId);
		}
		return guarded(() -> this.shared.acquire(name, config, permitId), () -> degradedAcquire(name, config, permitId));
	}

	@Override
	public CompletionStage<StateChange> record(String name, CircuitBreakerConfig config, Admission admission,
			CallOutcome outcome) {
		return switch (admission.issuer()) {
			case LOCAL -> this.local.record(name, config, admission, outcome);
			case NONE -> CompletableFuture.completedFuture(StateChange.untracked());
			case SHARED -> guarded(() -> this.shared.record(name, config, admission, outcome),
					() -> degradedRecord(name, config, outcome));
		};
	}

	@Override
	public CompletionStage<StateChange> operate(String name, OperatorCommand command, String reason) {
		// An operator must know whether the command reached every instance, so failures are not hidden.
		return timed(() -> this.shared.operate(name, command, reason));
	}

	@Override
	public CompletionStage<CircuitSnapshot> snapshot(String name, CircuitBreakerConfig config) {
		if (!this.available && this.policy == RedisFailurePolicy.LOCAL) {
			return this.local.snapshot(name, config);
		}
		return timed(() -> this.shared.snapshot(name, config));
	}

	@Override
	public CompletionStage<Void> register(String name) {
		// Listing the name is best effort: a breaker works without being listed.
		return timed(() -> this.shared.register(name)).exceptionally((failure) -> null);
	}

	@Override
	public CompletionStage<Set<String>> names() {
		return timed(this.shared::names);
	}

	@Override
	public CompletionStage<Void> ping() {
		return timed(this.shared::ping);
	}

	@Override
	public void close() {
		this.prober.shutdownNow();
	}

	private <T> CompletionStage<T> guarded(Supplier<CompletionStage<T>> operation,
			Supplier<CompletionStage<T>> fallback) {
		return timed(operation).handle((result, failure) -> {
			if (failure == null) {
				return CompletableFuture.completedFuture(result);
			}
			markUnavailable(failure);
			return fallback.get();
		}).thenCompose((stage) -> stage);
	}

	/** Bounds a Redis operation by the timeout; a failure to even start it fails the stage too. */
	private <T> CompletableFuture<T> timed(Supplier<? extends CompletionStage<T>> operation) {
		CompletionStage<T> stage;
		try {
			stage = operation.get();
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		return stage.toCompletableFuture().orTimeout(this.timeoutMillis, TimeUnit.MILLISECONDS);
	}

	private CompletionStage<Admission> degradedAcquire(String name, CircuitBreakerConfig config, String permitId) {
		return switch (this.policy) {
			case LOCAL -> this.local.acquire(name, config, permitId);
			case ALLOW -> CompletableFuture.completedFuture(Admission.untracked(true, CircuitState.CLOSED));
			case DENY -> CompletableFuture.completedFuture(Admission.untracked(false, CircuitState.OPEN));
		};
	}

	private CompletionStage<StateChange> degradedRecord(String name, CircuitBreakerConfig config,
			CallOutcome outcome) {
		if (this.policy == RedisFailurePolicy.LOCAL) {
			return CompletableFuture.completedFuture(this.local.recordUnfenced(name, config, outcome));
		}
		return CompletableFuture.completedFuture(StateChange.untracked());
	}

	private void markUnavailable(Throwable failure) {
		synchronized (this) {
			if (!this.available) {
				return;
			}
			this.available = false;
		}
		logger.warn("Redis is unavailable for circuit breakers (" + describe(failure) + "); policy '"
				+ this.policy.name().toLowerCase() + "' decides until Redis answers again");
		scheduleProbe();
	}

	private void scheduleProbe() {
		try {
			this.prober.schedule(this::probe, this.probeInterval.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (java.util.concurrent.RejectedExecutionException ex) {
			// Closed: the application is shutting down.
		}
	}

	private void probe() {
		try {
			timed(this.shared::ping).join();
			reconcile();
			this.available = true;
			logger.info("Redis answers again; circuit breakers use the shared state");
		}
		catch (RuntimeException ex) {
			logger.debug("Redis still unavailable for circuit breakers: " + describe(ex));
			scheduleProbe();
		}
	}

	/**
	 * A breaker that opened locally during the outage opens the shared breaker for the time it has
	 * left, unless the shared state has moved on; everything else learned locally is dropped, since
	 * the shared state is the one all instances agree on.
	 */
	private void reconcile() {
		if (this.policy == RedisFailurePolicy.LOCAL) {
			this.local.forEachOpen((name, left) -> {
				StateChange change = timed(() -> this.shared.reconcileOpen(name, left, "opened locally during a Redis outage"))
					.join();
				if (change.transition() != null) {
					this.listener.onTransition(change.transition());
				}
			});
		}
		this.local.clear();
	}

	private static String describe(Throwable failure) {
		Throwable cause = Failures.unwrap(failure);
		return cause.getClass().getSimpleName() + ((cause.getMessage() != null) ? ": " + cause.getMessage() : "");
	}

}
