package io.redisbreaker.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.redisbreaker.core.CircuitBreakerRegistry;
import io.redisbreaker.core.CircuitSnapshot;
import io.redisbreaker.core.CircuitState;
import io.redisbreaker.core.StateTransition;
import io.redisbreaker.core.TransitionListener;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The last known state of every breaker of the fleet, for meters and health checks that must not cost
 * a Redis round trip per breaker each time they are read. It reads the fleet (the store's index and one
 * pipelined read of every listed breaker) every refresh interval, and applies each transition this
 * instance hears in between (its own and, over Pub/Sub, every other instance's), so a breaker another
 * instance opened shows as open here within the Pub/Sub delay, even if this instance never called it.
 * <p>
 * It starts reading on first use, so an application that reads neither meters nor health pays nothing.
 */
public final class FleetStates implements TransitionListener, AutoCloseable {

	private static final Log logger = LogFactory.getLog(FleetStates.class);

	private final CircuitBreakerRegistry registry;

	private final Duration refreshInterval;

	private final Map<String, Known> states = new ConcurrentHashMap<>();

	private final AtomicBoolean started = new AtomicBoolean();

	private final List<Runnable> refreshListeners = new CopyOnWriteArrayList<>();

	private volatile @Nullable ScheduledExecutorService scheduler;

	private volatile @Nullable Instant refreshedAt;

	private volatile boolean closed;

	/**
	 * A breaker's state as last known.
	 * @param state the state
	 * @param epoch its epoch
	 * @param reason why it last changed
	 * @param changedAt when, or {@code null} if unknown
	 * @param source where it was read
	 */
	public record Known(CircuitState state, long epoch, String reason, @Nullable Instant changedAt,
			CircuitSnapshot.Source source) {
	}

	public FleetStates(CircuitBreakerRegistry registry, Duration refreshInterval) {
		if (refreshInterval.toMillis() < 100) {
			throw new IllegalArgumentException(
					"circuitbreaker.metrics.refresh-interval must be at least 100ms but was " + refreshInterval);
		}
		this.registry = registry;
		this.refreshInterval = refreshInterval;
	}

	/** Every breaker last known, by name. */
	public Map<String, Known> states() {
		start();
		return Map.copyOf(this.states);
	}

	/** The last known state of one breaker, or {@code null} when it is not known. */
	public @Nullable Known state(String name) {
		start();
		return this.states.get(name);
	}

	/** Runs {@code listener} after every refresh (on the refreshing thread), and starts refreshing. */
	public void onRefresh(Runnable listener) {
		this.refreshListeners.add(listener);
		start();
	}

	/** When the fleet was last read, or {@code null} if it could not be read yet. */
	public @Nullable Instant refreshedAt() {
		return this.refreshedAt;
	}

	/**
	 * Reads the fleet now: the names listed in the store plus this JVM's breakers, in one round trip.
	 * Breakers no longer listed anywhere are forgotten. When Redis cannot be read, what is known stays.
	 */
	public void refresh() {
		try {
			Map<String, CircuitSnapshot> snapshots = this.registry.snapshots(this.registry.getFleetNames())
				.toCompletableFuture()
				.get(10, TimeUnit.SECONDS);
			snapshots.forEach((name, snapshot) -> this.states.merge(name, known(snapshot),
					(before, now) -> (now.epoch() >= before.epoch()) ? now : before));
			this.states.keySet().retainAll(snapshots.keySet());
			this.refreshedAt = Instant.now();
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			logger.debug("Could not read the fleet's circuit breaker states; keeping the last known", ex);
		}
		// Also when Redis could not be read: breakers this JVM uses meanwhile still get their meters.
		for (Runnable listener : this.refreshListeners) {
			try {
				listener.run();
			}
			catch (RuntimeException ex) {
				logger.warn("A listener of the fleet's circuit breaker states failed", ex);
			}
		}
	}

	private static Known known(CircuitSnapshot snapshot) {
		return new Known(snapshot.state(), snapshot.epoch(), snapshot.reason(), snapshot.changedAt(),
				snapshot.source());
	}

	@Override
	public void onTransition(StateTransition transition) {
		Known now = new Known(transition.to(), transition.epoch(), transition.reason(), Instant.now(),
				CircuitSnapshot.Source.SHARED);
		this.states.merge(transition.circuitBreakerName(), now,
				(before, heard) -> (heard.epoch() > before.epoch()) ? heard : before);
	}

	private void start() {
		if (!this.closed && this.started.compareAndSet(false, true)) {
			ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
				Thread thread = new Thread(task, "circuit-breaker-fleet-states");
				thread.setDaemon(true);
				return thread;
			});
			this.scheduler = scheduler;
			scheduler.scheduleWithFixedDelay(this::refresh, 0, this.refreshInterval.toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	@Override
	public void close() {
		this.closed = true;
		ScheduledExecutorService scheduler = this.scheduler;
		if (scheduler != null) {
			scheduler.shutdownNow();
		}
	}

}
