package io.redisbreaker.store;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
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
import org.jspecify.annotations.Nullable;

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

	/** The shared state of a breaker as this instance last saw it, to hand over to the local breaker. */
	private record Seen(CircuitState state, long epoch, long openUntilMillis) {
	}

	private final RedisBreakerStore shared;

	private final InMemoryBreakerStore local;

	private final RedisFailurePolicy policy;

	private final long timeoutMillis;

	private final Duration probeInterval;

	private final TransitionListener listener;

	private final ScheduledExecutorService prober;

	private final Map<String, Seen> seen = new ConcurrentHashMap<>();

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
		CompletableFuture<Admission> attempt = start(() -> this.shared.acquire(name, config, permitId));
		return attempt.orTimeout(this.timeoutMillis, TimeUnit.MILLISECONDS).handle((admission, failure) -> {
			if (failure == null) {
				remember(name, admission);
				return CompletableFuture.completedFuture(admission);
			}
			abandon(name, config, attempt);
			markUnavailable(failure);
			return degradedAcquire(name, config, permitId);
		}).thenCompose((stage) -> stage);
	}

	@Override
	public CompletionStage<StateChange> record(String name, CircuitBreakerConfig config, Admission admission,
			CallOutcome outcome) {
		return switch (admission.issuer()) {
			// Outcomes of local permits count only while the local breakers decide: after Redis is back
			// they would only make a stale local state for the next outage.
			case LOCAL -> this.available ? untracked() : this.local.record(name, config, admission, outcome);
			case NONE -> untracked();
			case SHARED -> this.available ? sharedRecord(name, config, admission, outcome)
					: degradedRecord(name, config, outcome);
		};
	}

	private CompletionStage<StateChange> sharedRecord(String name, CircuitBreakerConfig config, Admission admission,
			CallOutcome outcome) {
		return timed(() -> this.shared.record(name, config, admission, outcome)).handle((change, failure) -> {
			if (failure == null) {
				remember(name, change);
				return CompletableFuture.completedFuture(change);
			}
			markUnavailable(failure);
			return degradedRecord(name, config, outcome);
		}).thenCompose((stage) -> stage);
	}

	@Override
	public CompletionStage<StateChange> operate(String name, OperatorCommand command, String reason) {
		// An operator must know whether the command reached every instance, so failures are not hidden.
		return timed(() -> this.shared.operate(name, command, reason)).thenApply((change) -> {
			remember(name, change);
			return change;
		});
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
		this.shared.close();
	}

	/** Bounds a Redis operation by the timeout; a failure to even start it fails the stage too. */
	private <T> CompletableFuture<T> timed(Supplier<? extends CompletionStage<T>> operation) {
		return start(operation).orTimeout(this.timeoutMillis, TimeUnit.MILLISECONDS);
	}

	private static <T> CompletableFuture<T> start(Supplier<? extends CompletionStage<T>> operation) {
		try {
			// A copy, so a timeout completing it leaves the original to report what Redis did.
			return operation.get().toCompletableFuture().thenApply((result) -> result);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	/**
	 * An acquire given up on may still be done by Redis later: a trial permit nobody uses is handed
	 * back at once, and a transition it made is still told.
	 */
	private void abandon(String name, CircuitBreakerConfig config, CompletableFuture<Admission> attempt) {
		attempt.thenAccept((late) -> {
			if (late.transition() != null) {
				this.listener.onTransition(late.transition());
			}
			if (late.permitId() != null) {
				this.shared.record(name, config, late, CallOutcome.IGNORED);
			}
		});
	}

	private void remember(String name, Admission admission) {
		long openUntil = (admission.retryAfter() != null) ? System.currentTimeMillis() + admission.retryAfter().toMillis()
				: 0;
		remember(name, new Seen(admission.state(), admission.epoch(), openUntil));
	}

	private void remember(String name, StateChange change) {
		if (change.transition() != null || change.state() != CircuitState.CLOSED) {
			Seen before = this.seen.get(name);
			long openUntil = (before != null && before.epoch() == change.epoch()) ? before.openUntilMillis() : 0;
			remember(name, new Seen(change.state(), change.epoch(), openUntil));
		}
	}

	private void remember(String name, Seen now) {
		Seen before = this.seen.get(name);
		if (before == null || before.epoch() != now.epoch() || before.state() != now.state()) {
			this.seen.put(name, now);
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
		Seen last = this.seen.get(name);
		if (last == null || last.state() == CircuitState.CLOSED) {
			return;
		}
		Duration openFor = null;
		if (last.state() == CircuitState.OPEN) {
			long left = last.openUntilMillis() - System.currentTimeMillis();
			openFor = (last.openUntilMillis() > 0) ? Duration.ofMillis(Math.max(0, left)) : config.getOpenTimeout();
		}
		this.local.seed(name, last.state(), openFor);
	}

	private CompletionStage<StateChange> degradedRecord(String name, CircuitBreakerConfig config,
			CallOutcome outcome) {
		if (this.policy == RedisFailurePolicy.LOCAL) {
			seedLocal(name, config);
			return CompletableFuture.completedFuture(this.local.recordUnfenced(name, config, outcome));
		}
		return untracked();
	}

	private static CompletionStage<StateChange> untracked() {
		return CompletableFuture.completedFuture(StateChange.untracked());
	}

	private void markUnavailable(Throwable failure) {
		synchronized (this) {
			if (!this.available) {
				return;
			}
			// Whatever a previous outage left in the local breakers is stale by now.
			this.local.clear();
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
		catch (RejectedExecutionException ex) {
			// Closed: the application is shutting down.
		}
	}

	private void probe() {
		try {
			timed(this.shared::ping).join();
		}
		catch (RuntimeException ex) {
			logger.debug("Redis still unavailable for circuit breakers: " + describe(ex));
			scheduleProbe();
			return;
		}
		// Reconciled first, so no call sees the shared state before what was learned locally is in it.
		reconcile();
		this.available = true;
		logger.info("Redis answers again; circuit breakers use the shared state");
	}

	/**
	 * A breaker that opened locally during the outage opens the shared breaker for the time it has
	 * left, but only if the shared breaker is still closed in the epoch this instance last saw: if it
	 * moved on meanwhile (other instances opened, tried and closed it), that newer state stands.
	 */
	private void reconcile() {
		if (this.policy == RedisFailurePolicy.LOCAL) {
			this.local.forEachOpen((name, left) -> {
				Seen last = this.seen.get(name);
				long expectedEpoch = (last != null) ? last.epoch() : 0;
				try {
					StateChange change = timed(() -> this.shared.reconcileOpen(name, left, expectedEpoch,
							"opened locally during a Redis outage"))
						.join();
					remember(name, change);
					if (change.transition() != null) {
						this.listener.onTransition(change.transition());
					}
				}
				catch (RuntimeException ex) {
					logger.debug("Could not reconcile circuit breaker '" + name + "': " + describe(ex));
				}
			});
		}
		this.local.clear();
	}

	private static String describe(@Nullable Throwable failure) {
		if (failure == null) {
			return "unknown";
		}
		Throwable cause = Failures.unwrap(failure);
		return cause.getClass().getSimpleName() + ((cause.getMessage() != null) ? ": " + cause.getMessage() : "");
	}

}
