package io.redisbreaker.store;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.redisbreaker.connection.RedisFailures;
import io.redisbreaker.store.redis.PermissionRefusedException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Whether Redis is in the breakers' decision path. Redis leaves it when an operation fails for a
 * reason that concerns the server or the connection (not one breaker's bad key), when it does not
 * answer within the timeout, or when it answers slower than the slow threshold several times in a
 * row; a background probe puts it back once a PING is answered fast enough. Each outage is logged
 * once when it starts (with its cause) and once when it ends; attempts in between are debug output.
 */
final class RedisAvailability implements AutoCloseable {

	/** How long the outage warning waits to learn why connecting fails. */
	private static final Duration CAUSE_WAIT = Duration.ofSeconds(2);

	/** Consecutive slow answers that take Redis out of the decision path. */
	static final int SLOW_ANSWERS_TO_LEAVE = 3;

	private static final Log logger = LogFactory.getLog(RedisAvailability.class);

	private final Duration timeout;

	private final Duration slowThreshold;

	private final Duration probeInterval;

	private final String policy;

	private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "circuit-breaker-redis-probe");
		thread.setDaemon(true);
		return thread;
	});

	private final AtomicInteger slowInARow = new AtomicInteger();

	private final AtomicLong failedProbes = new AtomicLong();

	private volatile boolean available = true;

	private volatile long outageStartNanos;

	/** Outages so far, and the last one warned of: each is warned of once. */
	private final AtomicLong outageNumber = new AtomicLong();

	private final AtomicLong warnedOutage = new AtomicLong();

	private volatile @Nullable Throwable outageCause;

	/** When Redis last came back into the decision path, on the monotonic clock (construction at first). */
	private volatile long availableSinceNanos = System.nanoTime();

	private @Nullable Supplier<? extends CompletionStage<?>> ping;

	private @Nullable Supplier<? extends CompletionStage<? extends @Nullable Throwable>> connectAttempt;

	private @Nullable Runnable onOutage;

	private @Nullable Runnable onRecovery;

	RedisAvailability(Duration timeout, Duration slowThreshold, Duration probeInterval, String policy) {
		this.timeout = timeout;
		this.slowThreshold = slowThreshold;
		this.probeInterval = probeInterval;
		this.policy = policy;
	}

	/**
	 * @param ping asks Redis for a PING
	 * @param connectAttempt completes, once no connect is in progress, with why the last one failed (or null)
	 * @param onOutage runs once when an outage starts, before anyone sees Redis as unavailable
	 * @param onRecovery runs once when Redis answers again, before anyone sees it as available
	 */
	void start(Supplier<? extends CompletionStage<?>> ping,
			Supplier<? extends CompletionStage<? extends @Nullable Throwable>> connectAttempt, Runnable onOutage,
			Runnable onRecovery) {
		this.ping = ping;
		this.connectAttempt = connectAttempt;
		this.onOutage = onOutage;
		this.onRecovery = onRecovery;
	}

	boolean isAvailable() {
		return this.available;
	}

	/** Probes that found Redis still unavailable, since start. */
	long failedProbes() {
		return this.failedProbes.get();
	}

	/** When the current (or last) outage started, on the monotonic clock. */
	long outageStartNanos() {
		return this.outageStartNanos;
	}

	Duration timeout() {
		return this.timeout;
	}

	/**
	 * Redis answered an operation started at {@code startedNanos} (monotonic clock). An operation sent
	 * before Redis last came back measures the outage, not Redis now: it neither counts as slow nor
	 * as fast. Otherwise the answers that waited out a restart, arriving just after the probe's PING,
	 * would take a Redis that answers fast out of the decision path again at once.
	 */
	void answered(long startedNanos) {
		if (startedNanos - this.availableSinceNanos < 0) {
			return;
		}
		long elapsedNanos = System.nanoTime() - startedNanos;
		if (elapsedNanos <= this.slowThreshold.toNanos()) {
			if (this.slowInARow.get() != 0) {
				this.slowInARow.set(0);
			}
			return;
		}
		int slow = this.slowInARow.incrementAndGet();
		if (slow >= SLOW_ANSWERS_TO_LEAVE) {
			this.slowInARow.set(0);
			failed(new TimeoutException(slow + " answers in a row slower than the slow threshold of "
					+ this.slowThreshold.toMillis() + " ms (the last took " + Duration.ofNanos(elapsedNanos).toMillis()
					+ " ms)"));
		}
	}

	/** An operation failed because of Redis or the connection: Redis leaves the decision path. */
	void failed(Throwable failure) {
		long outage;
		synchronized (this) {
			if (!this.available) {
				return;
			}
			outage = this.outageNumber.incrementAndGet();
			this.outageCause = failure;
			this.outageStartNanos = System.nanoTime();
			if (this.onOutage != null) {
				this.onOutage.run();
			}
			this.available = false;
		}
		scheduleProbe();
		if (failure instanceof NoAnswerException && this.connectAttempt != null) {
			// No answer in time often means no connection: name why connecting fails, if it does, rather
			// than the timeout (a refused connection can take longer than the timeout to be reported).
			this.connectAttempt.get()
				.toCompletableFuture()
				.completeOnTimeout(null, CAUSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)
				.whenComplete((cause, ignored) -> warnOutage(outage, (cause != null) ? cause : failure));
		}
		else {
			warnOutage(outage, failure);
		}
	}

	/**
	 * Warns of outage number {@code outage} once: when its cause is known, or when it ends, whichever
	 * comes first, so that the WARN never follows the INFO of its end and reads as a new outage.
	 */
	private void warnOutage(long outage, Throwable cause) {
		if (this.warnedOutage.getAndAccumulate(outage, Math::max) >= outage) {
			return;
		}
		PermissionRefusedException refused = permissionRefused(cause);
		if (refused != null) {
			// Redis is up but refuses this user: say what the user needs instead of calling it unavailable.
			logger.warn(refused.getMessage() + "; policy '" + this.policy + "' decides until Redis permits them");
			return;
		}
		logger.warn("Redis is unavailable for circuit breakers (" + RedisFailures.describe(cause) + "); policy '" + this.policy
				+ "' decides until Redis answers again");
	}

	private static @Nullable PermissionRefusedException permissionRefused(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause instanceof PermissionRefusedException refused) {
				return refused;
			}
		}
		return null;
	}

	/** The decision got no answer within the timeout. */
	static final class NoAnswerException extends TimeoutException {

		NoAnswerException(String message) {
			super(message);
		}

	}

	private void scheduleProbe() {
		try {
			this.scheduler.schedule(this::probe, this.probeInterval.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			// Closed: the application is shutting down.
		}
	}

	private void probe() {
		long started = System.nanoTime();
		try {
			if (this.ping == null) {
				throw new IllegalStateException("not started");
			}
			this.ping.get().toCompletableFuture().get(this.timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
				return;
			}
			this.failedProbes.incrementAndGet();
			logger.debug("Redis still unavailable for circuit breakers: " + RedisFailures.describe(ex));
			scheduleProbe();
			return;
		}
		long elapsed = System.nanoTime() - started;
		if (elapsed > this.slowThreshold.toNanos()) {
			logger.debug("Redis still too slow for circuit breakers: PING took " + Duration.ofNanos(elapsed).toMillis()
					+ " ms");
			scheduleProbe();
			return;
		}
		try {
			if (this.onRecovery != null) {
				this.onRecovery.run();
			}
		}
		catch (RuntimeException | Error ex) {
			// What was learned locally may not have reached Redis; the shared state rules all the same,
			// or an instance would stay on its local breakers until restarted.
			logger.warn("Could not bring what circuit breakers learned during the outage back to Redis", ex);
		}
		this.slowInARow.set(0);
		this.availableSinceNanos = System.nanoTime();
		Throwable cause = this.outageCause;
		if (cause != null) {
			// Still naming its cause (a connection attempt behind a dead link waits up to CAUSE_WAIT).
			warnOutage(this.outageNumber.get(), cause);
		}
		this.available = true;
		logger.info("Redis answers again; circuit breakers use the shared state");
	}

	/**
	 * Whether Redis answered but refuses to run breaker scripts for reasons of its own (a replica after
	 * a failover, loading, out of memory, no write permission): the whole server, not one breaker.
	 */
	static boolean refusesWork(Throwable failure) {
		RedisFailures.Kind kind = RedisFailures.classify(RedisFailures.unwrap(failure));
		return kind == RedisFailures.Kind.REJECTED || kind == RedisFailures.Kind.DENIED
				|| BreakerFaults.isServerWide(failure);
	}

	@Override
	public void close() {
		this.scheduler.shutdownNow();
	}

}
