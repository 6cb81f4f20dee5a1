package io.redisbreaker.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Sends the outcomes the local views counted, and reads the views again before they turn stale, for
 * every breaker of a registry with {@link Consistency#BOUNDED}: every {@code flush-interval}, in one
 * burst of requests that a Redis connection pipelines (a view whose unsent failures could cross a
 * threshold does not wait for it: the failing caller sends that batch itself). One daemon thread,
 * {@code circuit-breaker-flusher}, started with the first such breaker.
 */
final class OutcomeFlusher implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(OutcomeFlusher.class);

	/** A view unused this long is no longer read; its next call asks the store once. */
	private static final long IDLE_NANOS = 5_000_000_000L;

	private final ViewOptions options;

	private final Supplier<Collection<CircuitBreaker>> breakers;

	private final long maxStalenessNanos;

	private final long refreshAgeNanos;

	private volatile @Nullable Thread thread;

	private volatile boolean closed;

	OutcomeFlusher(ViewOptions options, Supplier<Collection<CircuitBreaker>> breakers) {
		this.options = options;
		this.breakers = breakers;
		this.maxStalenessNanos = options.maxStaleness().toNanos();
		this.refreshAgeNanos = options.refreshAge().toNanos();
	}

	long maxStalenessNanos() {
		return this.maxStalenessNanos;
	}

	/** Starts the thread if it does not run yet. */
	synchronized void start() {
		if (this.thread == null && !this.closed) {
			Thread started = new Thread(this::run, "circuit-breaker-flusher");
			started.setDaemon(true);
			this.thread = started;
			started.start();
		}
	}

	/** Makes the thread run its next round now (used to stop it). */
	void wake() {
		Thread running = this.thread;
		if (running != null) {
			LockSupport.unpark(running);
		}
	}

	private void run() {
		long interval = this.options.flushInterval().toNanos();
		while (!this.closed) {
			LockSupport.parkNanos(this, interval);
			if (this.closed) {
				return;
			}
			try {
				flush();
			}
			catch (RuntimeException ex) {
				logger.debug("Could not flush the circuit breakers' outcomes", ex);
			}
		}
	}

	/**
	 * One round: every view with outcomes to send or about to turn stale sends its batch.
	 * @return completes when every batch sent was answered (or failed)
	 */
	CompletableFuture<Void> flush() {
		long now = System.nanoTime();
		List<CompletableFuture<?>> sent = new ArrayList<>();
		for (CircuitBreaker breaker : this.breakers.get()) {
			CompletableFuture<?> merged = breaker.flush(now, this.refreshAgeNanos, IDLE_NANOS);
			if (merged != null) {
				sent.add(merged);
			}
		}
		return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
	}

	@Override
	public void close() {
		this.closed = true;
		wake();
	}

}
