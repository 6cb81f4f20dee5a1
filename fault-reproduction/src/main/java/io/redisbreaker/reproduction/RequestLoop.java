package io.redisbreaker.reproduction;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Makes requests one after another, like a request thread of the application, and remembers how each
 * ended. A request that does not return before the observation window closes (or within {@link #GRACE},
 * when it started just before) counts as failed, and ends the loop: the thread making it is stuck.
 */
final class RequestLoop implements AutoCloseable {

	private record Outcome(long atNanos, boolean succeeded, long tookNanos) {
	}

	/** How long a request started at the very end of the window may still take before it counts as stuck. */
	static final Duration GRACE = Duration.ofSeconds(1);

	private final StringRedisTemplate redis;

	private final long windowEndNanos;

	private final ExecutorService thread = Executors.newSingleThreadExecutor((task) -> {
		Thread t = new Thread(task, "reproduction-request");
		t.setDaemon(true);
		return t;
	});

	private final List<Outcome> outcomes = new ArrayList<>();

	private boolean stuck;

	private int sequence;

	RequestLoop(StringRedisTemplate redis, Duration window) {
		this.redis = redis;
		this.windowEndNanos = System.nanoTime() + window.toNanos();
	}

	/** One request: a write and a read, as the source incident's webhook handler made. */
	boolean request() {
		if (this.stuck) {
			return false;
		}
		String key = "webhook_frequency_" + (this.sequence++);
		long started = System.nanoTime();
		Future<?> call = this.thread.submit(() -> {
			this.redis.opsForValue().set(key, "1");
			this.redis.opsForValue().get(key);
		});
		boolean succeeded;
		try {
			// A request started just before the window closes is still given a moment: it is stuck only
			// when it outlasts both the window and GRACE (a healthy one takes milliseconds).
			call.get(Math.max(GRACE.toNanos(), this.windowEndNanos - started), TimeUnit.NANOSECONDS);
			succeeded = true;
		}
		catch (TimeoutException ex) {
			this.stuck = true;
			succeeded = false;
		}
		catch (Exception ex) {
			succeeded = false;
		}
		this.outcomes.add(new Outcome(started, succeeded, System.nanoTime() - started));
		return succeeded;
	}

	/** Requests every {@code pause} until the window closes. */
	void requestUntilWindowCloses(Duration pause) {
		while (!this.stuck && System.nanoTime() < this.windowEndNanos) {
			request();
			sleep(pause);
		}
	}

	/** Requests every {@code pause} for {@code duration}. */
	void requestFor(Duration duration, Duration pause) {
		long end = System.nanoTime() + duration.toNanos();
		while (!this.stuck && System.nanoTime() < end) {
			request();
			sleep(pause);
		}
	}

	Result result(String scenario, ClientSetup setup, long referenceNanos) {
		int failed = (int) this.outcomes.stream().filter((o) -> !o.succeeded()).count();
		long slowest = this.outcomes.stream().mapToLong(Outcome::tookNanos).max().orElse(0);
		return new Result(scenario, setup, this.outcomes.size(), failed, recovery(referenceNanos),
				Duration.ofNanos(slowest));
	}

	/** From the reference to the first success after which nothing failed, or null. */
	private @Nullable Duration recovery(long referenceNanos) {
		if (this.outcomes.isEmpty() || !this.outcomes.get(this.outcomes.size() - 1).succeeded()) {
			return null;
		}
		int first = this.outcomes.size() - 1;
		while (first > 0 && this.outcomes.get(first - 1).succeeded()) {
			first--;
		}
		Outcome recovered = this.outcomes.get(first);
		return Duration.ofNanos(Math.max(0, recovered.atNanos() + recovered.tookNanos() - referenceNanos));
	}

	static void sleep(Duration pause) {
		try {
			Thread.sleep(pause.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void close() {
		this.thread.shutdownNow();
	}

}
