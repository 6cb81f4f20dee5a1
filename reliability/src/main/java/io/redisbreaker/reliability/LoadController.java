package io.redisbreaker.reliability;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.redisbreaker.core.BreakerStore;
import io.redisbreaker.core.CircuitBreakerOpenException;
import io.redisbreaker.store.FailoverBreakerStore;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Fixed-rate load for the chaos tests: business calls through {@link ProtectedService} at a steady rate,
 * each timed, while the test injects faults into Redis; a sampler notes when this process's store left
 * and rejoined the shared state; and this process's resources (threads, heap after GC). Plain
 * {@code key=value} text, times in {@link System#nanoTime()}.
 */
@RestController
public class LoadController {

	private final ProtectedService service;

	private final BreakerStore store;

	private final Map<String, Load> loads = new ConcurrentHashMap<>();

	private volatile Sampler sampler;

	public LoadController(ProtectedService service, BreakerStore store) {
		this.service = service;
		this.store = store;
	}

	/**
	 * Starts {@code rate} calls per second of {@code breaker} on {@code threads} threads (each paced at
	 * rate/threads). {@code upstream=succeed}: the upstream answers (every call must succeed);
	 * {@code upstream=fail}: it always fails (a call must fail with the upstream's exception or be rejected
	 * by an open breaker). A thread that fell behind skips the slots it missed (counted) instead of bursting.
	 */
	@PostMapping("/load/start")
	public String start(@RequestParam String breaker, @RequestParam int rate, @RequestParam int threads,
			@RequestParam(defaultValue = "succeed") String upstream) {
		Load previous = this.loads.remove(breaker);
		if (previous != null) {
			previous.stop();
		}
		Load load = new Load(breaker, rate, threads, upstream.equals("fail"));
		this.loads.put(breaker, load);
		return load.report();
	}

	@GetMapping("/load")
	public String report(@RequestParam String breaker) {
		Load load = this.loads.get(breaker);
		return (load != null) ? load.report() : "running=false\n";
	}

	@PostMapping("/load/stop")
	public String stop(@RequestParam String breaker) {
		Load load = this.loads.remove(breaker);
		if (load == null) {
			return "running=false\n";
		}
		load.stop();
		return load.report();
	}

	/**
	 * Starts (again) the sampler of the store: every millisecond it notes whether Redis decides, and when
	 * that last changed to not shared and back to shared.
	 */
	@PostMapping("/store/sample")
	public String sample() {
		Sampler previous = this.sampler;
		if (previous != null) {
			previous.running = false;
		}
		this.sampler = new Sampler();
		return store();
	}

	/** Whether Redis decides now, the sampler's findings and the failover store's counters. */
	@GetMapping("/store")
	public String store() {
		StringBuilder out = new StringBuilder("shared=" + shared() + "\nnowNanos=" + System.nanoTime() + "\n");
		Sampler current = this.sampler;
		if (current != null) {
			out.append("samples=").append(current.samples).append("\nnotSharedSamples=").append(current.notShared)
				.append("\nfirstNotSharedNanos=").append(current.firstNotShared).append("\nlastNotSharedNanos=")
				.append(current.lastNotShared).append("\nlastSharedAgainNanos=").append(current.lastSharedAgain)
				.append('\n');
		}
		if (this.store instanceof FailoverBreakerStore failover) {
			out.append("outages=").append(failover.getOutages()).append("\nscriptReloads=")
				.append(failover.getScriptReloads()).append("\nlostStates=").append(failover.getLostStates())
				.append("\nbrokenBreakers=").append(failover.getBrokenBreakers()).append("\nredisRetries=")
				.append(failover.getRedisRetries()).append('\n');
		}
		return out.toString();
	}

	/**
	 * Live threads, peak threads, heap used after a full GC ({@code System.gc()}, twice), and the live
	 * threads by name (digits replaced by N) with their counts.
	 */
	@GetMapping("/resources")
	public String resources() {
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		System.gc();
		System.gc();
		Map<String, Integer> byName = new java.util.TreeMap<>();
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			byName.merge(thread.getName().replaceAll("[0-9]+", "N"), 1, Integer::sum);
		}
		return "threads=" + threads.getThreadCount() + "\npeakThreads=" + threads.getPeakThreadCount()
				+ "\nheapUsedAfterGc=" + memory.getHeapMemoryUsage().getUsed() + "\nthreadNames="
				+ byName.entrySet().stream().map((e) -> e.getKey() + ":" + e.getValue()).collect(java.util.stream.Collectors.joining(","))
				+ "\n";
	}

	private boolean shared() {
		return !(this.store instanceof FailoverBreakerStore failover) || failover.isRedisAvailable();
	}

	/** The store's availability, sampled every millisecond on a daemon thread. */
	private final class Sampler {

		volatile boolean running = true;

		volatile long samples;

		volatile long notShared;

		volatile long firstNotShared = Long.MAX_VALUE;

		volatile long lastNotShared = Long.MIN_VALUE;

		volatile long lastSharedAgain = Long.MIN_VALUE;

		Sampler() {
			Thread thread = new Thread(() -> {
				boolean was = true;
				while (this.running) {
					boolean now = shared();
					long at = System.nanoTime();
					this.samples++;
					if (!now) {
						this.notShared++;
						if (this.firstNotShared == Long.MAX_VALUE) {
							this.firstNotShared = at;
						}
						this.lastNotShared = at;
					}
					else if (!was) {
						this.lastSharedAgain = at;
					}
					was = now;
					LockSupport.parkNanos(1_000_000);
				}
			}, "harness-store-sampler");
			thread.setDaemon(true);
			thread.start();
		}

	}

	/** One breaker's fixed-rate load. */
	private final class Load {

		private final List<Thread> threads = new ArrayList<>();

		private volatile boolean running = true;

		private final boolean failing;

		private final AtomicLong calls = new AtomicLong();

		private final AtomicLong succeeded = new AtomicLong();

		/** Failed with the upstream's own exception (only when the upstream fails). */
		private final AtomicLong upstreamFailed = new AtomicLong();

		/** Rejected by an open breaker. */
		private final AtomicLong rejected = new AtomicLong();

		/** Failed with anything else: the breaker machinery's own trouble reached the caller. */
		private final AtomicLong otherFailed = new AtomicLong();

		private final AtomicLong skippedSlots = new AtomicLong();

		private final AtomicLong maxNanos = new AtomicLong();

		private final AtomicLong maxAtNanos = new AtomicLong();

		private final AtomicLong totalNanos = new AtomicLong();

		private final AtomicLong over50 = new AtomicLong();

		private final AtomicLong over250 = new AtomicLong();

		private final AtomicLong over500 = new AtomicLong();

		private final long began = System.nanoTime();

		private volatile String firstOther = "";

		Load(String breaker, int rate, int count, boolean failing) {
			this.failing = failing;
			long period = TimeUnit.SECONDS.toNanos(1) * count / rate;
			for (int t = 0; t < count; t++) {
				long offset = period * t / count;
				Thread thread = new Thread(() -> {
					long next = System.nanoTime() + offset;
					while (this.running) {
						long left;
						while ((left = next - System.nanoTime()) > 0) {
							LockSupport.parkNanos(left);
						}
						if (!this.running) {
							break;
						}
						call(breaker);
						next += period;
						long behind = System.nanoTime() - next;
						if (behind > period) {
							long missed = behind / period;
							this.skippedSlots.addAndGet(missed);
							next += missed * period;
						}
					}
				}, "harness-load-" + breaker + "-" + t);
				thread.setDaemon(true);
				this.threads.add(thread);
				thread.start();
			}
		}

		private void call(String breaker) {
			long asked = System.nanoTime();
			try {
				if (this.failing) {
					LoadController.this.service.callFailing(breaker);
				}
				else {
					LoadController.this.service.call(breaker);
				}
				this.succeeded.incrementAndGet();
			}
			catch (CircuitBreakerOpenException ex) {
				this.rejected.incrementAndGet();
			}
			catch (Upstream.UpstreamFailure ex) {
				this.upstreamFailed.incrementAndGet();
			}
			catch (RuntimeException ex) {
				if (this.otherFailed.getAndIncrement() == 0) {
					this.firstOther = String.valueOf(ex).replace('\n', ' ');
				}
			}
			long took = System.nanoTime() - asked;
			this.calls.incrementAndGet();
			this.totalNanos.addAndGet(took);
			if (took > 50_000_000) {
				this.over50.incrementAndGet();
			}
			if (took > 250_000_000) {
				this.over250.incrementAndGet();
			}
			if (took > 500_000_000) {
				this.over500.incrementAndGet();
			}
			if (took > this.maxNanos.get()) {
				synchronized (this) {
					if (took > this.maxNanos.get()) {
						this.maxNanos.set(took);
						this.maxAtNanos.set(asked);
					}
				}
			}
		}

		void stop() {
			this.running = false;
			for (Thread thread : this.threads) {
				try {
					thread.join(10_000);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		}

		String report() {
			long n = this.calls.get();
			return "running=" + this.running + "\ncalls=" + n + "\nsucceeded=" + this.succeeded + "\nupstreamFailed="
					+ this.upstreamFailed + "\nrejected=" + this.rejected + "\notherFailed=" + this.otherFailed
					+ "\nfirstOther=" + this.firstOther + "\nskippedSlots=" + this.skippedSlots + "\nmaxMicros="
					+ this.maxNanos.get() / 1000 + "\nmaxAtNanos=" + this.maxAtNanos + "\nmeanMicros="
					+ ((n > 0) ? this.totalNanos.get() / n / 1000 : 0) + "\nover50ms=" + this.over50 + "\nover250ms="
					+ this.over250 + "\nover500ms=" + this.over500 + "\nbeganNanos=" + this.began + "\nnowNanos="
					+ System.nanoTime() + "\n";
		}

	}

}
