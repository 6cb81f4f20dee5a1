package io.redisbreaker.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import io.redisbreaker.testsupport.Await;
import org.jspecify.annotations.Nullable;

import static io.redisbreaker.reliability.Figures.format;
import static io.redisbreaker.reliability.Figures.millis;
import static io.redisbreaker.reliability.Figures.number;
import static io.redisbreaker.reliability.Figures.result;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fault injected into Redis while a fleet of {@link HarnessProcess harness processes} is under load: the
 * scenario runner of {@link ChaosReliabilityTests} (one {@code redis-server}) and
 * {@link FailoverReliabilityTests} (a Sentinel set or a Cluster), so both run the same load, make the
 * same checks and write the same figures line. Each process runs {@value #RATE} business calls per second
 * ({@code @CircuitProtected}, upstream healthy) on the scenario's breaker and {@value #DOWN_RATE} per
 * second on a second breaker whose upstream always fails. Then:
 * <ul>
 * <li>no healthy call failed or was rejected (the breaker's own Redis trouble never reaches a caller), and
 * no call of the failing breaker failed with anything but the upstream's exception or a rejection;</li>
 * <li>no call was held longer than {@code redis-timeout} (250 ms, the default) plus {@link #MARGIN};</li>
 * <li>the healthy breaker ends {@code CLOSED}, the failing one {@code OPEN} or {@code HALF_OPEN};</li>
 * <li>threads, heap after GC and Redis {@code connected_clients} end where they began, within a small
 * bound;</li>
 * <li>the time from the fault's end until every process decides on the shared state again is measured.</li>
 * </ul>
 */
final class LoadedFault {

	enum Mode {

		BOUNDED, STRICT;

		String suffix() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

	/** What the runner reads from "Redis", whatever its topology. */
	interface Redis {

		/** The {@code state} field of {@code cb:{breaker}}, read where it is written (the current master). */
		@Nullable Object state(String breaker);

		/** {@code connected_clients}, the asking connection included, over every server the fleet may connect to. */
		long connectedClients();

	}

	/** Healthy calls per second per process, and the threads they are paced on. */
	static final int RATE = 200;

	private static final int THREADS = 4;

	/** Calls per second per process of the breaker whose upstream always fails. */
	static final int DOWN_RATE = 20;

	/** {@code circuitbreaker.redis-timeout}, the default. */
	private static final Duration REDIS_TIMEOUT = Duration.ofMillis(250);

	/**
	 * What a loaded two-core machine may add to a call beyond {@code redis-timeout}: it runs Redis, three
	 * harness JVMs (each with 5 load threads, Lettuce's event loops and a web server) and the test.
	 */
	private static final Duration MARGIN = Duration.ofMillis(250);

	private static final Duration BUDGET = REDIS_TIMEOUT.plus(MARGIN);

	/** Load before the fault, and after recovery. */
	private static final Duration STEADY = Duration.ofSeconds(2);

	static final Duration WAIT = Duration.ofSeconds(20);

	/**
	 * Threads a process may have more after a scenario than before: pools that grow on demand and keep their
	 * threads (Tomcat's request threads, the breaker's callback threads, Lettuce's event executors); the
	 * thread names that grew are in the figures. {@link #THREAD_SLACK_OVERALL} bounds the growth over all
	 * scenarios of a fleet (twelve faults for the chaos fleet), so a leak of three threads per fault would show. Measured: at
	 * most +5 in one scenario and +9 over all; the bounds leave room for a slower machine.
	 */
	private static final int THREAD_SLACK = 10;

	private static final int THREAD_SLACK_OVERALL = 20;

	private static final long HEAP_SLACK = 32L * 1024 * 1024;

	private final String label;

	private final String prefix;

	private final List<HarnessProcess> fleet;

	private final Redis redis;

	private final int clientSlack;

	/** {@link #recoveredSinceFaultBegan()} of the scenario running or last run. */
	private double recoveredSinceFaultBegan;

	/** Each process's thread count before its first scenario. */
	private final Map<String, Long> firstThreads = new java.util.HashMap<>();

	/**
	 * @param label how the figures line names the fleet and its Redis ({@code chaos}, ...)
	 * @param prefix the first part of every breaker name
	 * @param clientSlack how many more {@code connected_clients} a scenario may leave than it found
	 */
	LoadedFault(String label, String prefix, List<HarnessProcess> fleet, Redis redis, int clientSlack) {
		this.label = label;
		this.prefix = prefix;
		this.fleet = fleet;
		this.redis = redis;
		this.clientSlack = clientSlack;
	}

	/**
	 * The breakers of every scenario and mode, for every process's command line: {@code <prefix>-<scenario>-<mode>}
	 * (healthy) and {@code ...-down} (failing: {@code failure-threshold} 5, {@code open-timeout} 1 s).
	 */
	static List<String> breakerSettings(String prefix, List<String> scenarios) {
		// As in FleetReliabilityTests: CPU starvation alone must not take Redis out of the decision path.
		List<String> args = new ArrayList<>(List.of("--circuitbreaker.redis-slow-threshold=250ms"));
		for (String scenario : scenarios) {
			for (Mode mode : Mode.values()) {
				String ok = prefix + "-" + scenario + "-" + mode.suffix();
				args.add("--circuitbreaker.instances[" + ok + "].consistency=" + mode.suffix());
				args.add("--circuitbreaker.instances[" + ok + "-down].consistency=" + mode.suffix());
				args.add("--circuitbreaker.instances[" + ok + "-down].failure-threshold=5");
				args.add("--circuitbreaker.instances[" + ok + "-down].open-timeout=1s");
			}
		}
		return args;
	}

	/**
	 * Milliseconds from the fault's start until the last process that left the shared state was back on
	 * it, 0 if none left: known once the fault ended, for {@code faultFigures}. A failover's fault ends
	 * when the topology reports the new master, and a process may be back before that.
	 */
	double recoveredSinceFaultBegan() {
		return this.recoveredSinceFaultBegan;
	}

	/** The scenario's healthy breaker; its failing one is this plus {@code -down}. */
	String breaker(String scenario, Mode mode) {
		return this.prefix + "-" + scenario + "-" + mode.suffix();
	}

	void run(String scenario, Mode mode, String fault, Runnable inject) {
		run(scenario, mode, fault, inject, () -> "");
	}

	/**
	 * Runs the scenario's load on breakers {@code <prefix>-<scenario>-<mode>} and {@code ...-down},
	 * injects the fault (which returns when the fault is over), waits until every process decides on
	 * the shared state again, loads 2 s more, records the figures line and checks.
	 */
	void run(String scenario, Mode mode, String fault, Runnable inject, Supplier<String> faultFigures) {
		String ok = breaker(scenario, mode);
		String down = ok + "-down";
		this.fleet.forEach((p) -> {
			p.get("/decide?breaker=" + ok);
			p.get("/decide?breaker=" + down);
		});
		List<Map<String, String>> before = this.fleet.stream().map((p) -> p.get("/resources")).toList();
		for (int i = 0; i < this.fleet.size(); i++) {
			this.firstThreads.putIfAbsent(this.fleet.get(i).id(), number(before.get(i), "threads"));
		}
		long clientsBefore = this.redis.connectedClients();
		List<Map<String, String>> storesBefore = this.fleet.stream().map((p) -> p.get("/store")).toList();
		long faultBegan;
		long faultEnded;
		List<Map<String, String>> okLoads;
		List<Map<String, String>> downLoads;
		List<Map<String, String>> stores;
		double recoveryMillis;
		try {
			this.fleet.forEach((p) -> {
				p.post("/store/sample");
				p.post("/load/start?breaker=" + ok + "&rate=" + RATE + "&threads=" + THREADS);
				p.post("/load/start?breaker=" + down + "&rate=" + DOWN_RATE + "&threads=1&upstream=fail");
			});
			long steadyUntil = System.nanoTime() + STEADY.toNanos();
			Await.until(WAIT, () -> System.nanoTime() - steadyUntil >= 0, STEADY + " of load before the fault");
			for (HarnessProcess p : this.fleet) {
				assertThat(number(p.get("/store"), "notSharedSamples")).as("%s left the shared state before any fault", p.id())
					.isZero();
			}
			faultBegan = System.nanoTime();
			inject.run();
			faultEnded = System.nanoTime();
			// Recovered: every process decides on the shared state again.
			stores = new ArrayList<>();
			for (HarnessProcess p : this.fleet) {
				// The sampler (every ms) must have seen it too: its lastSharedAgainNanos is the moment of recovery.
				stores.add(Await.value(WAIT, () -> p.get("/store"),
						(s) -> "true".equals(s.get("shared")) && (number(s, "notSharedSamples") == 0
								|| number(s, "lastSharedAgainNanos") > number(s, "lastNotSharedNanos")),
						p.id() + " to decide on the shared state again"));
			}
			long recovered = System.nanoTime();
			recoveryMillis = 0;
			this.recoveredSinceFaultBegan = 0;
			for (Map<String, String> s : stores) {
				if (number(s, "notSharedSamples") > 0) {
					recoveryMillis = Math.max(recoveryMillis, millis(number(s, "lastSharedAgainNanos") - faultEnded));
					this.recoveredSinceFaultBegan = Math.max(this.recoveredSinceFaultBegan,
							millis(number(s, "lastSharedAgainNanos") - faultBegan));
				}
			}
			long afterUntil = recovered + STEADY.toNanos();
			Await.until(WAIT, () -> System.nanoTime() - afterUntil >= 0, STEADY + " of load after recovery");
		}
		finally {
			okLoads = new ArrayList<>();
			downLoads = new ArrayList<>();
			for (HarnessProcess p : this.fleet) {
				okLoads.add(p.post("/load/stop?breaker=" + ok));
				downLoads.add(p.post("/load/stop?breaker=" + down));
			}
		}
		// Still shared after the steady load (a late second outage would show here).
		List<Map<String, String>> storesAfter = this.fleet.stream().map((p) -> p.get("/store")).toList();

		long calls = sum(okLoads, "calls");
		long failed = sum(okLoads, "upstreamFailed") + sum(okLoads, "otherFailed");
		long rejected = sum(okLoads, "rejected");
		long downOther = sum(downLoads, "otherFailed");
		long maxMicros = Math.max(max(okLoads, "maxMicros"), max(downLoads, "maxMicros"));
		long over250 = sum(okLoads, "over250ms") + sum(downLoads, "over250ms");
		long skipped = sum(okLoads, "skippedSlots");
		double seconds = millis(number(okLoads.get(0), "nowNanos") - number(okLoads.get(0), "beganNanos")) / 1000;

		Object okState = this.redis.state(ok);
		String downState = Await.value(WAIT, () -> String.valueOf(this.redis.state(down)),
				(s) -> s.equals("OPEN") || s.equals("HALF_OPEN"), down + " open or half-open in Redis");

		List<Map<String, String>> after = new ArrayList<>();
		for (int i = 0; i < this.fleet.size(); i++) {
			HarnessProcess p = this.fleet.get(i);
			long threadsBefore = number(before.get(i), "threads");
			// Awaited: a thread of a reconnect or a pool may take a moment to end.
			long bound = Math.min(threadsBefore + THREAD_SLACK, this.firstThreads.get(p.id()) + THREAD_SLACK_OVERALL);
			after.add(Await.value(WAIT, () -> p.get("/resources"), (r) -> number(r, "threads") <= bound,
					p.id() + " back to at most " + bound + " threads (" + threadsBefore + " before this scenario, "
							+ this.firstThreads.get(p.id()) + " before the first)"));
		}
		long clientsAfter = Await.value(WAIT, this.redis::connectedClients, (c) -> c <= clientsBefore + this.clientSlack,
				"Redis connected_clients back to at most " + (clientsBefore + this.clientSlack));

		StringBuilder resources = new StringBuilder();
		long heapGrowth = 0;
		for (int i = 0; i < this.fleet.size(); i++) {
			long heapBefore = number(before.get(i), "heapUsedAfterGc");
			long heapAfter = number(after.get(i), "heapUsedAfterGc");
			heapGrowth = Math.max(heapGrowth, heapAfter - heapBefore);
			resources.append(this.fleet.get(i).id()).append(" threads ").append(before.get(i).get("threads")).append("→")
				.append(after.get(i).get("threads")).append(" (peak ").append(after.get(i).get("peakThreads"))
				.append(grown(before.get(i).get("threadNames"), after.get(i).get("threadNames")))
				.append("), heap after GC ").append(mib(heapBefore)).append("→").append(mib(heapAfter)).append(" MiB; ");
		}
		StringBuilder outages = new StringBuilder();
		for (int i = 0; i < this.fleet.size(); i++) {
			Map<String, String> b = storesBefore.get(i);
			Map<String, String> s = storesAfter.get(i);
			outages.append(number(s, "outages") - number(b, "outages")).append('/')
				.append(number(s, "scriptReloads") - number(b, "scriptReloads")).append('/')
				.append(number(s, "lostStates") - number(b, "lostStates")).append(' ');
		}
		List<String> endpointStates = new ArrayList<>();
		for (HarnessProcess p : this.fleet) {
			String document = p.actuator(ok);
			endpointStates.add(document.contains("\"state\":\"CLOSED\"") && document.contains("\"source\":\"shared\"")
					? "CLOSED/shared" : document);
		}
		String figures = faultFigures.get();
		result(this.label + ", " + mode.suffix() + ": " + fault, this.fleet.size() + " processes × " + RATE + " calls/s (" + THREADS
				+ " threads, upstream healthy) + " + DOWN_RATE + " calls/s on a breaker whose upstream always fails; "
				+ format(seconds) + " s of load, fault after " + STEADY.toSeconds() + " s",
				(figures.isEmpty() ? "" : figures + "; ") + "fault lasted " + format(millis(faultEnded - faultBegan)) + " ms; healthy calls " + calls + ", failed " + failed + ", rejected " + rejected
						+ ", skipped slots " + skipped + "; failing breaker: " + sum(downLoads, "upstreamFailed")
						+ " upstream failures, " + sum(downLoads, "rejected") + " rejected, " + downOther
						+ " other failures; longest call " + format(maxMicros / 1000.0) + " ms (budget "
						+ BUDGET.toMillis() + " ms), calls over 250 ms: " + over250 + "; mean "
						+ okLoads.stream().map((l) -> l.get("meanMicros")).toList() + " µs"
						+ "; back on the shared state " + format(recoveryMillis) + " ms after the fault ended"
						+ "; end states in Redis " + okState + " / " + downState + ", endpoints " + endpointStates
						+ "; outages/script reloads/lost states per process in this scenario: "
						+ outages.toString().trim() + "; " + resources + "Redis connected_clients " + clientsBefore + "→"
						+ clientsAfter + (okLoads.stream().anyMatch((l) -> !l.get("firstOther").isEmpty())
								? "; first other failure: " + okLoads.stream().map((l) -> l.get("firstOther")).toList() : ""));

		assertThat(failed).as("healthy calls that failed: %s", okLoads).isZero();
		assertThat(rejected).as("healthy calls rejected: %s", okLoads).isZero();
		assertThat(downOther).as("failing-breaker calls failed by anything but the upstream or a rejection: %s", downLoads)
			.isZero();
		assertThat(sum(downLoads, "succeeded")).isZero();
		assertThat(sum(downLoads, "rejected")).as("the failing breaker rejected calls").isPositive();
		assertThat(calls).as("healthy calls made (%s calls/s for %.1f s on %d processes)", RATE, seconds, this.fleet.size())
			.isGreaterThan((long) (0.8 * RATE * seconds * this.fleet.size()));
		assertThat(maxMicros).as("the longest call, µs (budget: redis-timeout %s + margin %s)", REDIS_TIMEOUT, MARGIN)
			.isLessThanOrEqualTo(BUDGET.toNanos() / 1000);
		for (Map<String, String> s : storesAfter) {
			assertThat(s.get("shared")).as("deciding on the shared state at the end: %s", s).isEqualTo("true");
			assertThat(s.get("brokenBreakers")).as("breakers handed to the failure policy at the end").isEqualTo("0");
		}
		assertThat(okState).as("the healthy breaker's shared state").isIn(null, "CLOSED");
		assertThat(endpointStates).as("the healthy breaker on every process's endpoint").containsOnly("CLOSED/shared");
		assertThat(heapGrowth).as("heap growth after GC, bytes").isLessThanOrEqualTo(HEAP_SLACK);
		assertThat(clientsAfter).isLessThanOrEqualTo(clientsBefore + this.clientSlack);
	}

	/** The thread names whose count grew, as {@code , +k name}. */
	private static String grown(String before, String after) {
		Map<String, Long> counts = new java.util.TreeMap<>();
		for (String entry : after.split(",")) {
			int colon = entry.lastIndexOf(':');
			counts.merge(entry.substring(0, colon), Long.parseLong(entry.substring(colon + 1)), Long::sum);
		}
		for (String entry : before.split(",")) {
			int colon = entry.lastIndexOf(':');
			counts.merge(entry.substring(0, colon), -Long.parseLong(entry.substring(colon + 1)), Long::sum);
		}
		StringBuilder out = new StringBuilder();
		counts.forEach((name, delta) -> {
			if (delta > 0 && !name.startsWith("harness-load-")) {
				out.append(", +").append(delta).append(' ').append(name);
			}
		});
		return out.toString();
	}

	/** Keeps a fault going: the fault's own duration, not a wait for anything. */
	static void hold(Duration duration) {
		long until = System.nanoTime() + duration.toNanos();
		long left;
		while ((left = until - System.nanoTime()) > 0) {
			LockSupport.parkNanos(left);
		}
	}

	private static long sum(List<Map<String, String>> reports, String key) {
		return reports.stream().mapToLong((r) -> number(r, key)).sum();
	}

	private static long max(List<Map<String, String>> reports, String key) {
		return reports.stream().mapToLong((r) -> number(r, key)).max().orElse(0);
	}

	private static String mib(long bytes) {
		return String.format(Locale.ROOT, "%.1f", bytes / 1048576.0);
	}

}
