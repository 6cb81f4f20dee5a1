package io.redisbreaker.reliability;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import io.redisbreaker.core.Admission;
import io.redisbreaker.core.CallPermit;
import io.redisbreaker.core.CircuitBreaker;
import io.redisbreaker.core.CircuitBreakerOpenException;
import io.redisbreaker.core.CircuitBreakerRegistry;
import io.redisbreaker.core.CircuitState;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * What the tests drive. Every answer is plain text, one {@code key=value} per line; times are
 * {@link System#nanoTime()} of this machine (one monotonic clock for every process on it), so the test
 * can compare the moments different processes saw something.
 */
@RestController
public class HarnessController {

	private static final Field ADMISSION = admissionField();

	private final CircuitBreakerRegistry registry;

	private final ProtectedService service;

	private final Upstream upstream;

	private final TransitionLog transitions;

	private final Map<String, Watch> watches = new ConcurrentHashMap<>();

	private final Map<String, Cycle> cycles = new ConcurrentHashMap<>();

	/** Trial permits held and never reported (POST /hold-trial): kept reachable until the process dies. */
	private final List<CallPermit> held = new java.util.concurrent.CopyOnWriteArrayList<>();

	/** Permits taken by POST /hold, per breaker, until POST /held/report reports them. */
	private final Map<String, List<CallPermit>> late = new ConcurrentHashMap<>();

	public HarnessController(CircuitBreakerRegistry registry, ProtectedService service, Upstream upstream,
			TransitionLog transitions) {
		this.registry = registry;
		this.service = service;
		this.upstream = upstream;
		this.transitions = transitions;
	}

	@PostMapping("/upstream")
	public String upstream(@RequestParam String mode, @RequestParam(defaultValue = "5000") long holdMs) {
		this.upstream.set(Upstream.Mode.valueOf(mode.toUpperCase(java.util.Locale.ROOT)), Duration.ofMillis(holdMs));
		return "mode=" + this.upstream.mode() + "\n";
	}

	/**
	 * {@code calls} calls of {@code breaker} on {@code threads} threads, all starting at {@code startAt}
	 * (nanoTime; now if 0). {@code api=annotation}: through {@link ProtectedService} (the upstream's mode
	 * decides the outcome); {@code api=programmatic}: permits from the registry's breaker, each reported as
	 * {@code outcome} says ({@code fail}, {@code succeed}, or {@code alternate}: even calls fail) and waited
	 * for; then the local views' outcomes are flushed and the flush waited for.
	 */
	@PostMapping("/run")
	public String run(@RequestParam String breaker, @RequestParam int calls, @RequestParam int threads,
			@RequestParam(defaultValue = "annotation") String api, @RequestParam(defaultValue = "fail") String outcome,
			@RequestParam(defaultValue = "0") long startAt, @RequestParam(defaultValue = "0") long pauseMicros)
			throws InterruptedException {
		AtomicLong next = new AtomicLong();
		AtomicLong permitted = new AtomicLong();
		AtomicLong rejected = new AtomicLong();
		AtomicLong trials = new AtomicLong();
		AtomicLong succeeded = new AtomicLong();
		AtomicLong failed = new AtomicLong();
		AtomicLong localDecisions = new AtomicLong();
		AtomicLong firstRejected = new AtomicLong(Long.MAX_VALUE);
		AtomicLong slowestDecision = new AtomicLong();
		ConcurrentLinkedQueue<CompletableFuture<Void>> reports = new ConcurrentLinkedQueue<>();
		CircuitBreaker programmatic = api.equals("programmatic") ? this.registry.circuitBreaker(breaker) : null;
		long began = System.nanoTime();
		List<Thread> workers = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			workers.add(start("harness-run-" + t, false, () -> {
				waitUntil(startAt);
				long i;
				while ((i = next.getAndIncrement()) < calls) {
					long asked = System.nanoTime();
					if (programmatic == null) {
						try {
							this.service.call(breaker);
							permitted.incrementAndGet();
							succeeded.incrementAndGet();
						}
						catch (CircuitBreakerOpenException ex) {
							rejected.incrementAndGet();
							firstRejected.accumulateAndGet(System.nanoTime(), Math::min);
						}
						catch (RuntimeException ex) {
							permitted.incrementAndGet();
							failed.incrementAndGet();
						}
					}
					else {
						Optional<CallPermit> permit = programmatic.tryAcquirePermission();
						long decided = System.nanoTime();
						slowestDecision.accumulateAndGet(decided - asked, Math::max);
						if (permit.isEmpty()) {
							rejected.incrementAndGet();
							firstRejected.accumulateAndGet(decided, Math::min);
						}
						else {
							permitted.incrementAndGet();
							if (permit.get().isTrial()) {
								trials.incrementAndGet();
							}
							if (admission(permit.get()).issuer() == Admission.Issuer.LOCAL) {
								localDecisions.incrementAndGet();
							}
							boolean fail = outcome.equals("fail") || (outcome.equals("alternate") && i % 2 == 0);
							if (fail) {
								failed.incrementAndGet();
								reports.add(permit.get()
									.recordFailureAsync(new Upstream.UpstreamFailure("failed by the harness"))
									.toCompletableFuture());
							}
							else {
								succeeded.incrementAndGet();
								reports.add(permit.get().recordSuccessAsync().toCompletableFuture());
							}
						}
					}
					if (pauseMicros > 0) {
						LockSupport.parkNanos(pauseMicros * 1000);
					}
				}
			}));
		}
		for (Thread worker : workers) {
			worker.join();
		}
		boolean reported = true;
		if (programmatic != null) {
			try {
				CompletableFuture.allOf(reports.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
				this.registry.flush().toCompletableFuture().get(30, TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				reported = false;
			}
		}
		long ended = System.nanoTime();
		return "permitted=" + permitted + "\nrejected=" + rejected + "\ntrials=" + trials + "\nsucceeded=" + succeeded
				+ "\nfailed=" + failed + "\nlocalDecisions=" + localDecisions + "\nfirstRejectedNanos="
				+ firstRejected + "\nslowestDecisionMicros=" + slowestDecision.get() / 1000 + "\nbeganNanos=" + began
				+ "\nendedNanos=" + ended + "\nreported=" + reported + "\n";
	}

	/** Sends what the local views counted and waits for Redis to answer. */
	@PostMapping("/flush")
	public String flush() throws Exception {
		this.registry.flush().toCompletableFuture().get(30, TimeUnit.SECONDS);
		return "flushed=true\n";
	}

	/** One decision on this process, given back at once: allowed, the state, its epoch and which store decided. */
	@GetMapping("/decide")
	public String decide(@RequestParam String breaker) {
		Optional<CallPermit> permit = this.registry.circuitBreaker(breaker).tryAcquirePermission();
		if (permit.isEmpty()) {
			return "allowed=false\n";
		}
		permit.get().release();
		Admission admission = admission(permit.get());
		return "allowed=true\nstate=" + admission.state() + "\nissuer=" + admission.issuer() + "\nepoch="
				+ admission.epoch() + "\n";
	}

	/**
	 * Starts {@code threads} watcher threads: each asks for a permit every {@code pauseMicros}, gives it back,
	 * and notes when decisions were allowed or rejected (see {@link #watch(String)}).
	 */
	@PostMapping("/watch/start")
	public String startWatch(@RequestParam String breaker, @RequestParam(defaultValue = "3") int threads,
			@RequestParam(defaultValue = "1000") long pauseMicros) {
		Watch previous = this.watches.remove(breaker);
		if (previous != null) {
			previous.stop();
		}
		Watch watch = new Watch(this.registry.circuitBreaker(breaker), threads, pauseMicros);
		this.watches.put(breaker, watch);
		watch.awaitStarted();
		return watch.report();
	}

	/**
	 * allowed / rejected decisions so far; lastAllowedStartNanos: when the latest allowed decision was asked
	 * for; firstRejectedNanos: when the first rejection was answered; also the first allowed after a rejection.
	 */
	@GetMapping("/watch")
	public String watch(@RequestParam String breaker) {
		Watch watch = this.watches.get(breaker);
		return (watch != null) ? watch.report() : "running=false\n";
	}

	@PostMapping("/watch/stop")
	public String stopWatch(@RequestParam String breaker) {
		Watch watch = this.watches.remove(breaker);
		if (watch == null) {
			return "running=false\n";
		}
		watch.stop();
		return watch.report();
	}

	/**
	 * The half-open contention loop, on {@code threads} threads from now until {@code stopAt} (nanoTime): a
	 * permit admitted while closed fails (so the breaker opens again), a trial permit holds its call for
	 * {@code trialHoldMs} (so trials overlap) and then succeeds, so the breaker closes; with
	 * {@code trials=byEpoch} the trials of a period whose epoch is odd fail instead, so it opens again (every
	 * process agrees, as they see the same epoch). A rejection waits {@code pauseMicros}. Every trial permit is noted with the epoch of the half-open period it was granted
	 * in. {@code GET /cycle} waits for the loop's end and reports.
	 */
	@PostMapping("/cycle/start")
	public String startCycle(@RequestParam String breaker, @RequestParam int threads,
			@RequestParam long trialHoldMs, @RequestParam long stopAt,
			@RequestParam(defaultValue = "1000") long pauseMicros, @RequestParam(defaultValue = "succeed") String trials) {
		Cycle cycle = new Cycle(this.registry.circuitBreaker(breaker), threads, trialHoldMs, stopAt, pauseMicros,
				trials.equals("byEpoch"));
		this.cycles.put(breaker, cycle);
		return "started=true\n";
	}

	/** Moves the loop's end to {@code at} (nanoTime). */
	@PostMapping("/cycle/stop")
	public String stopCycle(@RequestParam String breaker, @RequestParam long at) {
		Cycle cycle = this.cycles.get(breaker);
		if (cycle != null) {
			cycle.stopAt = at;
		}
		return "stopping=" + (cycle != null) + "\n";
	}

	/**
	 * trialsByEpoch: epoch:count,... of this process's trial permits granted by Redis; localTrialsByEpoch: those
	 * an in-memory store granted while Redis was away, and firstLocalTrialNanos the first of them; the loop's
	 * counts.
	 */
	@GetMapping("/cycle")
	public String cycle(@RequestParam String breaker) throws InterruptedException {
		Cycle cycle = this.cycles.get(breaker);
		if (cycle == null) {
			return "running=false\n";
		}
		for (Thread thread : cycle.threads) {
			thread.join();
		}
		return "trialsByEpoch=" + byEpoch(cycle.trialsByEpoch) + "\nlocalTrialsByEpoch="
				+ byEpoch(cycle.localTrialsByEpoch) + "\nfirstLocalTrialNanos=" + cycle.firstLocalTrial
				+ "\nclosedFailures=" + cycle.closedFailures + "\nrejected=" + cycle.rejected + "\ntrials="
				+ cycle.trials + "\n";
	}

	private static String byEpoch(Map<Long, Integer> counts) {
		return counts.entrySet().stream().map((e) -> e.getKey() + ":" + e.getValue()).collect(Collectors.joining(","));
	}

	/** One line per transition this process heard for the breaker: nanos from to epoch local origin. */
	@GetMapping("/transitions")
	public String transitions(@RequestParam String breaker) {
		return this.transitions.of(breaker)
			.stream()
			.map(TransitionLog.Heard::line)
			.collect(Collectors.joining("\n", "", "\n"));
	}

	/**
	 * Calls until this process holds a trial permit, and keeps it without ever reporting it (as a process
	 * that dies in the middle of its trial call would). Answers when the trial permit is held.
	 */
	@PostMapping("/hold-trial")
	public String holdTrial(@RequestParam String breaker, @RequestParam(defaultValue = "20000") long timeoutMs) {
		return hold(breaker, "trial", 1, timeoutMs, this.held);
	}

	/**
	 * Takes permits and keeps them, to be reported later by {@code POST /held/report}: calls still running
	 * while the breaker moves on. {@code kind=closed}: {@code calls} permits admitted while closed;
	 * {@code kind=trial}: calls until a trial permit is admitted, failing closed-state permits on the way (so
	 * the breaker opens and, after its open timeout, goes half-open). Answers the held permits' states and
	 * epochs.
	 */
	@PostMapping("/hold")
	public String hold(@RequestParam String breaker, @RequestParam String kind,
			@RequestParam(defaultValue = "1") int calls, @RequestParam(defaultValue = "20000") long timeoutMs) {
		return hold(breaker, kind, calls, timeoutMs, this.late.computeIfAbsent(breaker, (name) -> new java.util.concurrent.CopyOnWriteArrayList<>()));
	}

	/**
	 * Reports every permit {@code POST /hold} took for the breaker ({@code outcome=fail|succeed}), waits for
	 * the reports, then flushes the local views and waits for Redis to answer.
	 */
	@PostMapping("/held/report")
	public String reportHeld(@RequestParam String breaker, @RequestParam String outcome) throws Exception {
		List<CallPermit> permits = this.late.remove(breaker);
		if (permits == null) {
			return "reported=0\n";
		}
		List<CompletableFuture<Void>> reports = new ArrayList<>();
		for (CallPermit permit : permits) {
			reports.add((outcome.equals("fail")
					? permit.recordFailureAsync(new Upstream.UpstreamFailure("late failure from the harness"))
					: permit.recordSuccessAsync()).toCompletableFuture());
		}
		CompletableFuture.allOf(reports.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
		this.registry.flush().toCompletableFuture().get(30, TimeUnit.SECONDS);
		return "reported=" + permits.size() + "\n";
	}

	private String hold(String breaker, String kind, int calls, long timeoutMs, List<CallPermit> into) {
		CircuitBreaker circuitBreaker = this.registry.circuitBreaker(breaker);
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
		boolean trial = kind.equals("trial");
		int failures = 0;
		List<CallPermit> taken = new ArrayList<>();
		long granted = 0;
		while (taken.size() < (trial ? 1 : calls) && System.nanoTime() - deadline < 0) {
			Optional<CallPermit> permit = circuitBreaker.tryAcquirePermission();
			long now = System.nanoTime();
			if (permit.isEmpty()) {
				LockSupport.parkNanos(2_000_000);
			}
			else if (permit.get().isTrial() == trial && (trial || permit.get().getState() == CircuitState.CLOSED)) {
				taken.add(permit.get());
				granted = now;
			}
			else if (trial && permit.get().getState() == CircuitState.CLOSED) {
				failures++;
				permit.get().recordFailure(new Upstream.UpstreamFailure("failed by the harness"));
			}
			else {
				// A trial permit while closed ones are wanted, or the other way round: not this call's business.
				permit.get().release();
			}
		}
		into.addAll(taken);
		boolean held = taken.size() == (trial ? 1 : calls);
		return "held=" + held + "\ncount=" + taken.size() + "\nepochs="
				+ taken.stream().map((p) -> String.valueOf(admission(p).epoch())).distinct().collect(Collectors.joining(","))
				+ (taken.isEmpty() ? "" : "\nepoch=" + admission(taken.get(0)).epoch()) + "\ngrantedNanos=" + granted
				+ "\nfailures=" + failures + "\n";
	}

	/**
	 * Calls on {@code threads} threads, every permit succeeding, until a permit is admitted in CLOSED (the
	 * breaker recovered) or {@code maxMs} passed; a rejection waits {@code pauseMicros}.
	 */
	@PostMapping("/recover")
	public String recover(@RequestParam String breaker, @RequestParam int threads, @RequestParam long maxMs,
			@RequestParam(defaultValue = "2000") long pauseMicros) throws InterruptedException {
		CircuitBreaker circuitBreaker = this.registry.circuitBreaker(breaker);
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMs);
		AtomicBoolean closed = new AtomicBoolean();
		AtomicLong rejected = new AtomicLong();
		AtomicLong trials = new AtomicLong();
		AtomicLong firstTrial = new AtomicLong(Long.MAX_VALUE);
		AtomicLong closedAt = new AtomicLong(Long.MAX_VALUE);
		List<Thread> workers = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			workers.add(start("harness-recover-" + t, false, () -> {
				while (!closed.get() && System.nanoTime() - deadline < 0) {
					Optional<CallPermit> permit = circuitBreaker.tryAcquirePermission();
					long now = System.nanoTime();
					if (permit.isEmpty()) {
						rejected.incrementAndGet();
						LockSupport.parkNanos(pauseMicros * 1000);
					}
					else if (permit.get().isTrial()) {
						trials.incrementAndGet();
						firstTrial.accumulateAndGet(now, Math::min);
						permit.get().recordSuccess();
					}
					else if (permit.get().getState() == CircuitState.CLOSED) {
						closedAt.accumulateAndGet(now, Math::min);
						closed.set(true);
						permit.get().release();
					}
					else {
						permit.get().release();
					}
				}
			}));
		}
		for (Thread worker : workers) {
			worker.join();
		}
		return "recovered=" + closed.get() + "\nrejected=" + rejected + "\ntrials=" + trials + "\nfirstTrialNanos="
				+ firstTrial + "\nclosedNanos=" + closedAt + "\n";
	}

	/** wallMillis: this process's wall clock, so a test can see that it was skewed. */
	@GetMapping("/now")
	public String now() {
		return "nanos=" + System.nanoTime() + "\nwallMillis=" + System.currentTimeMillis() + "\nupstreamCalls="
				+ this.upstream.calls() + "\n";
	}

	/** The permit's admission: its epoch and which store decided are not part of the public API. */
	static Admission admission(CallPermit permit) {
		try {
			return (Admission) ADMISSION.get(permit);
		}
		catch (IllegalAccessException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Field admissionField() {
		try {
			Field field = CallPermit.class.getDeclaredField("admission");
			field.setAccessible(true);
			return field;
		}
		catch (NoSuchFieldException ex) {
			throw new IllegalStateException("CallPermit has no admission field any more; update the harness", ex);
		}
	}

	private static void waitUntil(long startAt) {
		if (startAt == 0) {
			return;
		}
		long left;
		while ((left = startAt - System.nanoTime()) > 0) {
			LockSupport.parkNanos(Math.min(left, 1_000_000));
		}
	}

	private static Thread start(String name, boolean daemon, Runnable task) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(daemon);
		thread.start();
		return thread;
	}

	/** Watcher threads of one breaker. */
	private static final class Watch {

		private final List<Thread> threads = new ArrayList<>();

		private final CountDownLatch started;

		private volatile boolean running = true;

		private final AtomicLong allowed = new AtomicLong();

		private final AtomicLong rejected = new AtomicLong();

		private final AtomicLong lastAllowedStart = new AtomicLong(Long.MIN_VALUE);

		private final AtomicLong firstRejected = new AtomicLong(Long.MAX_VALUE);

		private final AtomicLong local = new AtomicLong();

		Watch(CircuitBreaker breaker, int count, long pauseMicros) {
			this.started = new CountDownLatch(count);
			for (int t = 0; t < count; t++) {
				this.threads.add(start("harness-watch-" + t, true, () -> {
					boolean first = true;
					while (this.running) {
						long asked = System.nanoTime();
						Optional<CallPermit> permit = breaker.tryAcquirePermission();
						if (permit.isPresent()) {
							permit.get().release();
							if (admission(permit.get()).issuer() != Admission.Issuer.SHARED) {
								this.local.incrementAndGet();
							}
							this.allowed.incrementAndGet();
							this.lastAllowedStart.accumulateAndGet(asked, Math::max);
						}
						else {
							this.rejected.incrementAndGet();
							this.firstRejected.accumulateAndGet(System.nanoTime(), Math::min);
						}
						if (first) {
							first = false;
							this.started.countDown();
						}
						LockSupport.parkNanos(pauseMicros * 1000);
					}
				}));
			}
		}

		void awaitStarted() {
			try {
				this.started.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
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
			return "running=" + this.running + "\nallowed=" + this.allowed + "\nrejected=" + this.rejected
					+ "\nlocalAllowed=" + this.local + "\nlastAllowedStartNanos=" + this.lastAllowedStart
					+ "\nfirstRejectedNanos=" + this.firstRejected + "\nnowNanos=" + System.nanoTime() + "\n";
		}

	}

	/** The half-open contention loop of one breaker (see {@link #startCycle}). */
	private static final class Cycle {

		final List<Thread> threads = new ArrayList<>();

		final Map<Long, Integer> trialsByEpoch = new TreeMap<>();

		/** Trial permits an in-memory store granted (Redis away), by the epoch of their local half-open period. */
		final Map<Long, Integer> localTrialsByEpoch = new TreeMap<>();

		final AtomicLong firstLocalTrial = new AtomicLong(Long.MAX_VALUE);

		final AtomicLong closedFailures = new AtomicLong();

		final AtomicLong rejected = new AtomicLong();

		final AtomicLong trials = new AtomicLong();

		volatile long stopAt;

		Cycle(CircuitBreaker breaker, int count, long trialHoldMs, long stopAt, long pauseMicros,
				boolean oddEpochsFail) {
			this.stopAt = stopAt;
			for (int t = 0; t < count; t++) {
				this.threads.add(start("harness-cycle-" + t, false, () -> {
					while (System.nanoTime() - this.stopAt < 0) {
						Optional<CallPermit> permit = breaker.tryAcquirePermission();
						if (permit.isEmpty()) {
							this.rejected.incrementAndGet();
							LockSupport.parkNanos(pauseMicros * 1000);
						}
						else if (permit.get().isTrial()) {
							this.trials.incrementAndGet();
							Admission admission = admission(permit.get());
							long epoch = admission.epoch();
							boolean shared = admission.issuer() == Admission.Issuer.SHARED;
							if (!shared) {
								this.firstLocalTrial.accumulateAndGet(System.nanoTime(), Math::min);
							}
							synchronized (this.trialsByEpoch) {
								(shared ? this.trialsByEpoch : this.localTrialsByEpoch).merge(epoch, 1, Integer::sum);
							}
							LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(trialHoldMs));
							if (oddEpochsFail && epoch % 2 == 1) {
								permit.get().recordFailure(new Upstream.UpstreamFailure("trial failed by the harness"));
							}
							else {
								permit.get().recordSuccess();
							}
						}
						else if (permit.get().getState() == CircuitState.CLOSED) {
							this.closedFailures.incrementAndGet();
							permit.get().recordFailure(new Upstream.UpstreamFailure("failed by the harness"));
						}
						else {
							permit.get().release();
						}
					}
				}));
			}
		}

	}

}
