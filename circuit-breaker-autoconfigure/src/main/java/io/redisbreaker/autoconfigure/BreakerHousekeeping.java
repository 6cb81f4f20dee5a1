package io.redisbreaker.autoconfigure;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.redisbreaker.core.BreakerStore;
import io.redisbreaker.core.CircuitBreakerRegistry;
import io.redisbreaker.core.TransitionRelay;
import io.redisbreaker.store.FailoverBreakerStore;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Keeps what this JVM holds per breaker bounded, the fleet's index current and the fleet's settings
 * compared: every {@code min(key-ttl / 2, 1 min)} it drops breakers unused for a key TTL, lists again
 * the breakers in use, forgets what the relay and the store keep about names no longer used here or
 * anywhere in the fleet, and records this JVM's settings of each breaker in Redis (warning once about
 * an instance that uses others).
 */
final class BreakerHousekeeping implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(BreakerHousekeeping.class);

	private final CircuitBreakerRegistry registry;

	private final BreakerStore store;

	private final TransitionRelay relay;

	private final Duration idle;

	private final ScheduledExecutorService scheduler;

	private final Duration period;

	BreakerHousekeeping(CircuitBreakerRegistry registry, BreakerStore store, TransitionRelay relay, Duration keyTtl) {
		this.registry = registry;
		this.store = store;
		this.relay = relay;
		this.idle = keyTtl;
		this.scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "circuit-breaker-housekeeping");
			thread.setDaemon(true);
			return thread;
		});
		this.period = Duration.ofMillis(Math.min(keyTtl.toMillis() / 2, Duration.ofMinutes(1).toMillis()));
		this.scheduler.scheduleWithFixedDelay(this::run, this.period.toMillis(), this.period.toMillis(),
				TimeUnit.MILLISECONDS);
	}

	/** One round; public to the package so tests need not wait for the schedule. */
	void run() {
		try {
			this.registry.evictIdle(this.idle);
			// Twice the period, so a breaker used just before the last round is not missed.
			this.registry.relist(this.period.multipliedBy(2)).toCompletableFuture().get(10, TimeUnit.SECONDS);
			Set<String> inUse = this.registry.getFleetNames();
			this.relay.retain(inUse::contains);
			if (this.store instanceof FailoverBreakerStore failover) {
				failover.retain(inUse::contains);
			}
			this.registry.checkSettings();
		}
		catch (Exception ex) {
			// Redis away: nothing is forgotten this round, which is the safe side.
			logger.debug("Circuit breaker housekeeping skipped a round", ex);
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public void close() {
		this.scheduler.shutdownNow();
	}

}
