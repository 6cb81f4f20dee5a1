package io.redisbreaker.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.redisbreaker.testsupport.Await;
import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.TcpProxy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static io.redisbreaker.reliability.FleetSupport.parallel;
import static io.redisbreaker.reliability.FleetSupport.settings;
import static io.redisbreaker.reliability.Figures.format;
import static io.redisbreaker.reliability.Figures.millis;
import static io.redisbreaker.reliability.Figures.number;
import static io.redisbreaker.reliability.Figures.result;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The breaker's promises checked across JVM processes: three {@link HarnessApplication} processes (four
 * threads of load each) share one real {@code redis-server}; the first reaches it through a
 * {@link TcpProxy}, so its link alone can be cut. Every scenario runs in both consistency modes, each on
 * breakers of its own ({@code <scenario>-bounded}, {@code <scenario>-strict}) configured on every process's
 * command line. Measured figures are printed and appended to {@code target/reliability-results.txt}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetReliabilityTests {

	enum Mode {

		BOUNDED, STRICT;

		String suffix() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

	private static final int PROCESSES = 3;

	private static final int THREADS = 4;

	/** {@code circuitbreaker.max-staleness}, the default. */
	private static final Duration MAX_STALENESS = Duration.ofMillis(100);

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final long NO_TIME = Long.MAX_VALUE;

	/** How far the mapping of Redis time onto this machine's monotonic clock may be off, at most. */
	private static final long CLOCK_ERROR_MILLIS = 2;

	private long clockOffset;

	private RedisServer redis;

	private TcpProxy proxy;

	private final List<HarnessProcess> fleet = new ArrayList<>();

	@BeforeAll
	void startFleet() {
		this.redis = RedisServer.launch();
		this.proxy = TcpProxy.start(this.redis);
		try {
			for (int i = 1; i <= PROCESSES; i++) {
				boolean proxied = i == 1;
				this.fleet.add(HarnessProcess.start("p" + i, proxied ? this.proxy.host() : this.redis.host(),
						proxied ? this.proxy.port() : this.redis.port(), breakerSettings()));
			}
			this.fleet.forEach(HarnessProcess::awaitReady);
			this.clockOffset = redisClockOffset();
		}
		catch (RuntimeException | Error ex) {
			stopFleet();
			throw ex;
		}
	}

	@AfterAll
	void stopFleet() {
		this.fleet.forEach(HarnessProcess::close);
		if (this.proxy != null) {
			this.proxy.close();
		}
		if (this.redis != null) {
			this.redis.close();
		}
	}

	/** Every scenario's breakers, the same on every process (as the README asks). */
	private static List<String> breakerSettings() {
		// Two cores run Redis, three or four harness JVMs and the test: an answer can take more than the default
		// 100 ms of CPU starvation, and three such in a row would hand a process to its local policy.
		List<String> args = new ArrayList<>(List.of("--circuitbreaker.redis-slow-threshold=250ms"));
		for (Mode mode : Mode.values()) {
			String m = mode.suffix();
			settings(args, "trip-" + m, m, "failure-threshold=5", "open-timeout=60s");
			settings(args, "force-" + m, m);
			settings(args, "cycle-" + m, m, "failure-threshold=3", "success-threshold=2", "half-open-max-calls=3",
					"open-timeout=250ms", "minimum-calls=1000000");
			settings(args, "lease-" + m, m, "failure-threshold=3", "success-threshold=1", "half-open-max-calls=1",
					"open-timeout=300ms", "half-open-permit-lease=2s");
			settings(args, "count-" + m, m, "failure-threshold=1000000", "minimum-calls=1000000");
			settings(args, "part-" + m, m, "failure-threshold=3", "open-timeout=1s");
			settings(args, "late-" + m, m, "failure-threshold=3", "success-threshold=1", "half-open-max-calls=2",
					"open-timeout=300ms");
			settings(args, "carry-" + m, m, "failure-threshold=3", "open-timeout=3s");
			settings(args, "cutcycle-" + m, m, "failure-threshold=3", "success-threshold=2", "half-open-max-calls=3",
					"open-timeout=500ms", "minimum-calls=1000000");
		}
		// minimum-failing-instances is a bounded-mode setting.
		settings(args, "quorum-bounded", "bounded", "failure-threshold=5", "open-timeout=60s",
				"minimum-failing-instances=2");
		return args;
	}

	// 1. A breaker tripped by one process's failures is obeyed by all the others.

	@Order(1)
	@ParameterizedTest
	@EnumSource(Mode.class)
	void aTripByOneProcessIsObeyedByAll(Mode mode) {
		String breaker = "trip-" + mode.suffix();
		HarnessProcess tripper = this.fleet.get(1);
		List<HarnessProcess> followers = List.of(this.fleet.get(0), this.fleet.get(2));
		int rounds = 10;
		List<Double> firstRejections = new ArrayList<>();
		List<Double> lastAdmissions = new ArrayList<>();
		List<Double> tripperRejections = new ArrayList<>();
		List<Double> recoveries = new ArrayList<>();
		List<Long> tripperAdmitted = new ArrayList<>();
		known(breaker);
		for (int round = 0; round < rounds; round++) {
			recoveries.add(closeAndAwaitAllAllowing(tripper, breaker));
			this.clockOffset = redisClockOffset();
			followers.forEach((p) -> p.post("/watch/start?breaker=" + breaker + "&threads=3&pauseMicros=1000"));
			try {
				tripper.post("/upstream?mode=fail");
				Map<String, String> run = tripper
					.post("/run?breaker=" + breaker + "&calls=40&threads=" + THREADS + "&api=annotation");
				assertThat(number(run, "firstRejectedNanos")).as("the tripper's calls were rejected once its failures opened the breaker: %s", run)
					.isNotEqualTo(NO_TIME);
				assertThat(number(run, "permitted")).as("failures admitted before the breaker opened (threshold 5)")
					.isGreaterThanOrEqualTo(5);
				tripperAdmitted.add(number(run, "permitted"));
				assertThat(this.redis.command("HGET", "cb:{" + breaker + "}", "state")).isEqualTo("OPEN");
				long opened = transitionNanos(breaker);
				tripperRejections.add(millis(number(run, "firstRejectedNanos") - opened));
				for (HarnessProcess follower : followers) {
					Await.value(WAIT, () -> follower.get("/watch?breaker=" + breaker),
							(w) -> number(w, "firstRejectedNanos") != NO_TIME,
							follower.id() + " to reject calls of the breaker " + tripper.id() + " tripped");
					Map<String, String> watch = follower.post("/watch/stop?breaker=" + breaker);
					double firstRejected = millis(number(watch, "firstRejectedNanos") - opened);
					double lastAdmitted = millis(number(watch, "lastAllowedStartNanos") - opened);
					firstRejections.add(firstRejected);
					lastAdmissions.add(lastAdmitted);
					assertAdmittedNoLaterThanPromised(mode, follower, lastAdmitted);
					assertThat(firstRejected).as("%s's first rejection after the transition, ms", follower.id())
						.isLessThanOrEqualTo(MAX_STALENESS.toMillis() + 100.0);
				}
			}
			finally {
				followers.forEach((p) -> p.post("/watch/stop?breaker=" + breaker));
				tripper.post("/upstream?mode=succeed");
			}
		}
		closeAndAwaitAllAllowing(tripper, breaker);
		result("trip obeyed by all, " + mode.suffix(), PROCESSES + " processes; the tripper fails calls on " + THREADS
				+ " threads (@CircuitProtected), 2 followers x 3 watcher threads; " + rounds + " rounds",
				"followers' first rejection after the CLOSED->OPEN transition (Redis time of its epoch): "
						+ stats(firstRejections) + "; latest admitted decision asked for "
						+ format(Collections.max(lastAdmissions)) + " ms after it; tripper's own first rejection: "
						+ stats(tripperRejections) + "; failing calls the tripper admitted per round " + tripperAdmitted
						+ " (threshold 5); RESET through the endpoint until every process admitted calls again: "
						+ stats(recoveries.subList(1, recoveries.size())));
	}

	/**
	 * strict: every decision is made in Redis, so none asked for after the transition may pass (up to the
	 * error of mapping Redis time to this machine's monotonic clock); bounded: a view decides at most
	 * max-staleness after it was read.
	 */
	private static void assertAdmittedNoLaterThanPromised(Mode mode, HarnessProcess process, double lastAdmitted) {
		double bound = (mode == Mode.STRICT) ? CLOCK_ERROR_MILLIS : MAX_STALENESS.toMillis();
		assertThat(lastAdmitted).as("%s admitted a call asked for %.2f ms after the transition (%s, at most %.0f ms)",
				process.id(), lastAdmitted, mode.suffix(), bound).isLessThanOrEqualTo(bound);
	}

	// 2. A force-open through one process's actuator endpoint is obeyed by all.

	@Order(2)
	@ParameterizedTest
	@EnumSource(Mode.class)
	void aForceOpenThroughOneEndpointIsObeyedByAll(Mode mode) {
		String breaker = "force-" + mode.suffix();
		int rounds = 9;
		List<Double> firstRejections = new ArrayList<>();
		List<Double> lastAdmissions = new ArrayList<>();
		List<Double> answers = new ArrayList<>();
		List<Double> recoveries = new ArrayList<>();
		known(breaker);
		for (int round = 0; round < rounds; round++) {
			HarnessProcess operator = this.fleet.get(round % PROCESSES);
			recoveries.add(closeAndAwaitAllAllowing(operator, breaker));
			this.clockOffset = redisClockOffset();
			this.fleet.forEach((p) -> p.post("/watch/start?breaker=" + breaker + "&threads=3&pauseMicros=1000"));
			try {
				String document = operator.updateState(breaker, "FORCE_OPEN");
				long answered = System.nanoTime();
				assertThat(document).contains("\"state\":\"FORCED_OPEN\"");
				long forced = transitionNanos(breaker);
				answers.add(millis(answered - forced));
				for (HarnessProcess process : this.fleet) {
					Await.value(WAIT, () -> process.get("/watch?breaker=" + breaker),
							(w) -> number(w, "firstRejectedNanos") != NO_TIME,
							process.id() + " to reject calls after FORCE_OPEN through " + operator.id());
					Map<String, String> watch = process.post("/watch/stop?breaker=" + breaker);
					double firstRejected = millis(number(watch, "firstRejectedNanos") - forced);
					double lastAdmitted = millis(number(watch, "lastAllowedStartNanos") - forced);
					firstRejections.add(firstRejected);
					lastAdmissions.add(lastAdmitted);
					assertAdmittedNoLaterThanPromised(mode, process, lastAdmitted);
					assertThat(firstRejected).as("%s's first rejection after the force-open, ms", process.id())
						.isLessThanOrEqualTo(MAX_STALENESS.toMillis() + 100.0);
				}
			}
			finally {
				this.fleet.forEach((p) -> p.post("/watch/stop?breaker=" + breaker));
			}
		}
		closeAndAwaitAllAllowing(this.fleet.get(0), breaker);
		result("force-open obeyed by all, " + mode.suffix(), PROCESSES + " processes x 3 watcher threads; " + rounds
				+ " rounds, through each process's endpoint in turn",
				"first rejection after the FORCED_OPEN transition (Redis time of its epoch): " + stats(firstRejections)
						+ "; latest admitted decision asked for " + format(Collections.max(lastAdmissions))
						+ " ms after it; the endpoint answered " + stats(answers) + " after it; RESET until every process admitted calls again: "
						+ stats(recoveries.subList(1, recoveries.size())));
	}

	/**
	 * When the breaker's latest transition happened, on this machine's monotonic clock: its epoch is the
	 * Redis time of the transition in microseconds, mapped with {@link #redisClockOffset()}.
	 */
	private long transitionNanos(String breaker) {
		long epoch = Long.parseLong(String.valueOf(this.redis.command("HGET", "cb:{" + breaker + "}", "epoch")));
		return epoch * 1000 + this.clockOffset;
	}

	private long redisClockOffset() {
		return FleetSupport.redisClockOffset(this.redis, CLOCK_ERROR_MILLIS);
	}

	// 3. Failures recorded concurrently by all processes count exactly once each.

	@Order(3)
	@ParameterizedTest
	@EnumSource(Mode.class)
	void concurrentOutcomesOfAllProcessesCountExactly(Mode mode) {
		String breaker = "count-" + mode.suffix();
		int callsPerProcess = 2000;
		known(breaker);
		closeAndAwaitAllAllowing(this.fleet.get(0), breaker);
		long startAt = System.nanoTime() + Duration.ofMillis(1500).toNanos();
		List<Map<String, String>> runs = parallel(this.fleet, (p) -> p.post("/run?breaker=" + breaker + "&calls="
				+ callsPerProcess + "&threads=" + THREADS + "&api=programmatic&outcome=alternate&pauseMicros=200&startAt=" + startAt));
		long failures = 0;
		long calls = 0;
		for (Map<String, String> run : runs) {
			assertThat(number(run, "localDecisions")).as("calls decided without Redis (it was slow or away): %s", run)
				.isZero();
			assertThat(run.get("reported")).as("every outcome sent and answered: %s", run).isEqualTo("true");
			assertThat(number(run, "permitted")).as("the breaker stays closed: %s", run).isEqualTo(callsPerProcess);
			failures += number(run, "failed");
			calls += number(run, "permitted");
		}
		assertThat(failures).isEqualTo(PROCESSES * callsPerProcess / 2);
		String window = "cb:{" + breaker + "}:window";
		List<?> counted = (List<?>) this.redis.command("HMGET", window, "c", "f");
		long countedCalls = Long.parseLong(String.valueOf(counted.get(0)));
		long countedFailures = Long.parseLong(String.valueOf(counted.get(1)));
		String document = this.fleet.get(2).actuator(breaker);
		result("concurrent counting, " + mode.suffix(), PROCESSES + " processes x " + THREADS + " threads, " + calls
				+ " calls, every other one failing, all starting at once", "Redis window: " + countedCalls + " calls, "
				+ countedFailures + " failures (sent: " + calls + ", " + failures + "); endpoint: bufferedCalls "
				+ jsonNumber(document, "bufferedCalls") + ", failedCalls " + jsonNumber(document, "failedCalls"));
		assertThat(countedFailures).as("failures counted in Redis").isEqualTo(failures);
		assertThat(countedCalls).as("calls counted in Redis").isEqualTo(calls);
		assertThat(jsonNumber(document, "failedCalls")).as("failedCalls on the endpoint").isEqualTo(failures);
		assertThat(jsonNumber(document, "bufferedCalls")).as("bufferedCalls on the endpoint").isEqualTo(calls);
	}

	// 4. Half-open under contention from every process: exactly half-open-max-calls trial calls per period.

	@Order(4)
	@ParameterizedTest
	@EnumSource(Mode.class)
	void halfOpenAdmitsExactlyTheTrialLimitPerPeriodAcrossProcesses(Mode mode) {
		String breaker = "cycle-" + mode.suffix();
		int closingPeriodsWanted = 50;
		int trialLimit = 3;
		known(breaker);
		closeAndAwaitAllAllowing(this.fleet.get(0), breaker);
		long began = System.nanoTime();
		long farAway = began + Duration.ofSeconds(150).toNanos();
		this.fleet.forEach((p) -> p.post("/cycle/start?breaker=" + breaker + "&threads=" + THREADS
				+ "&trialHoldMs=100&pauseMicros=1000&trials=byEpoch&stopAt=" + farAway));
		long stopAt;
		try {
			// Enough periods closed, as one process heard it; a few more than wanted, as the last may be cut short.
			Await.until(Duration.ofSeconds(140),
					() -> transitions(this.fleet.get(2), breaker).stream()
						.filter((t) -> t.from.equals("HALF_OPEN") && t.to.equals("CLOSED"))
						.count() >= closingPeriodsWanted + 2,
					closingPeriodsWanted + 2 + " half-open periods to close");
		}
		finally {
			stopAt = System.nanoTime() + Duration.ofMillis(20).toNanos();
			long at = stopAt;
			this.fleet.forEach((p) -> p.post("/cycle/stop?breaker=" + breaker + "&at=" + at));
		}
		List<Map<String, String>> loops = parallel(this.fleet, (p) -> p.get("/cycle?breaker=" + breaker));
		Map<Long, Integer> trials = new TreeMap<>();
		for (Map<String, String> loop : loops) {
			String byEpoch = loop.get("trialsByEpoch");
			if (byEpoch != null && !byEpoch.isEmpty()) {
				for (String entry : byEpoch.split(",")) {
					String[] parts = entry.split(":");
					trials.merge(Long.parseLong(parts[0]), Integer.parseInt(parts[1]), Integer::sum);
				}
			}
		}
		// Every process's transitions (each hears all of them); a period counts if it ended before the stop.
		Map<Long, Transition> byEpoch = new TreeMap<>();
		for (HarnessProcess process : this.fleet) {
			for (Transition t : transitions(process, breaker)) {
				byEpoch.merge(t.epoch, t, (a, b) -> (a.nanos <= b.nanos) ? a : b);
			}
		}
		List<Transition> ordered = new ArrayList<>(byEpoch.values());
		Map<Long, String> complete = new TreeMap<>();
		for (int i = 0; i < ordered.size(); i++) {
			Transition t = ordered.get(i);
			if (t.to.equals("HALF_OPEN") && t.nanos - began > 0 && i + 1 < ordered.size()
					&& ordered.get(i + 1).from.equals("HALF_OPEN") && ordered.get(i + 1).nanos - stopAt < 0) {
				complete.put(t.epoch, ordered.get(i + 1).to);
			}
		}
		long closing = complete.values().stream().filter("CLOSED"::equals).count();
		long reopening = complete.values().stream().filter("OPEN"::equals).count();
		Map<Integer, Integer> histogram = new TreeMap<>();
		for (long epoch : complete.keySet()) {
			histogram.merge(trials.getOrDefault(epoch, 0), 1, Integer::sum);
		}
		List<Long> halfOpenEpochs = ordered.stream().filter((t) -> t.to.equals("HALF_OPEN")).map((t) -> t.epoch).toList();
		result("half-open under contention, " + mode.suffix(), PROCESSES + " processes x " + THREADS
				+ " threads, trial calls held 100 ms (they succeed, or all fail in periods of odd epoch), open-timeout 250 ms, half-open-max-calls 3",
				complete.size() + " complete half-open periods (" + closing + " closed, " + reopening
						+ " reopened); trial calls per period -> periods: " + histogram + "; "
						+ trials.values().stream().mapToInt(Integer::intValue).sum() + " trial calls in "
						+ (System.nanoTime() - began) / 1_000_000 + " ms");
		assertThat(closing).as("open/half-open/close cycles").isGreaterThanOrEqualTo(closingPeriodsWanted);
		assertThat(reopening).as("open/half-open/open cycles").isGreaterThanOrEqualTo(10);
		assertThat(trials.keySet()).as("every trial permit was granted in a half-open period the processes heard of")
			.isSubsetOf(halfOpenEpochs);
		for (Map.Entry<Long, String> period : complete.entrySet()) {
			long epoch = period.getKey();
			assertThat(trials.getOrDefault(epoch, 0)).as("trial calls in the half-open period of epoch %d (%s)", epoch,
					histogram).isEqualTo(trialLimit);
			assertThat(period.getValue()).as("how the half-open period of epoch %d ended (its trials %s)", epoch,
					(epoch % 2 == 1) ? "failed" : "succeeded").isEqualTo((epoch % 2 == 1) ? "OPEN" : "CLOSED");
		}
	}

	// 5. A process killed (kill -9) while holding a trial permit does not keep the breaker from recovering.

	@Order(5)
	@ParameterizedTest
	@EnumSource(Mode.class)
	void aProcessKilledHoldingATrialPermitDoesNotBlockRecovery(Mode mode) throws InterruptedException {
		String breaker = "lease-" + mode.suffix();
		Duration lease = Duration.ofSeconds(2);
		known(breaker);
		closeAndAwaitAllAllowing(this.fleet.get(0), breaker);
		HarnessProcess victim = HarnessProcess.start("victim-" + mode.suffix(), this.redis.host(), this.redis.port(),
				breakerSettings());
		Map<String, String> held;
		long killed;
		try {
			victim.awaitReady();
			held = victim.post("/hold-trial?breaker=" + breaker + "&timeoutMs=20000");
			assertThat(held.get("held")).as("the victim holds a trial permit: %s", held).isEqualTo("true");
			assertThat(this.redis.command("ZCARD", "cb:{" + breaker + "}:permits")).as("trial permits in Redis")
				.isEqualTo(1L);
			victim.kill();
			killed = System.nanoTime();
		}
		finally {
			victim.kill();
		}
		long granted = number(held, "grantedNanos");
		List<Map<String, String>> recoveries = parallel(this.fleet,
				(p) -> p.post("/recover?breaker=" + breaker + "&threads=" + THREADS + "&maxMs=15000&pauseMicros=2000"));
		long firstTrial = NO_TIME;
		long closed = NO_TIME;
		long trials = 0;
		long rejected = 0;
		for (Map<String, String> recovery : recoveries) {
			assertThat(recovery.get("recovered")).as("recovered: %s", recovery).isEqualTo("true");
			firstTrial = Math.min(firstTrial, number(recovery, "firstTrialNanos"));
			closed = Math.min(closed, number(recovery, "closedNanos"));
			trials += number(recovery, "trials");
			rejected += number(recovery, "rejected");
		}
		double trialAfterGrant = millis(firstTrial - granted);
		double recoveredAfterKill = millis(closed - killed);
		result("kill -9 holding a trial permit, " + mode.suffix(), "victim process (1 thread) + " + PROCESSES
				+ " survivors x " + THREADS + " threads; half-open-max-calls 1, lease 2 s",
				"survivors' first trial permit " + format(trialAfterGrant) + " ms after the victim's (lease "
						+ lease.toMillis() + " ms); " + rejected + " survivor calls rejected meanwhile; CLOSED "
						+ format(recoveredAfterKill) + " ms after the kill; survivor trial calls: " + trials);
		assertThat(trialAfterGrant).as("the dead process's permit held its slot until its lease ran out")
			.isGreaterThanOrEqualTo(lease.toMillis() - 100.0)
			.isLessThanOrEqualTo(lease.toMillis() + 1000.0);
		assertThat(rejected).as("survivor calls rejected while the slot was held").isPositive();
		assertThat(trials).as("survivor trial calls (half-open-max-calls 1, one success closes)").isEqualTo(1);
		assertThat(this.redis.command("HGET", "cb:{" + breaker + "}", "state")).isEqualTo("CLOSED");
	}

	// 6. A partition: one process's Redis link is blackholed, then heals.

	@Order(6)
	@ParameterizedTest
	@EnumSource(Mode.class)
	void aPartitionedProcessFallsBackAndRejoinsWithoutUndoingTheFleet(Mode mode) {
		String breaker = "part-" + mode.suffix();
		HarnessProcess cut = this.fleet.get(0);
		HarnessProcess operator = this.fleet.get(1);
		HarnessProcess other = this.fleet.get(2);
		known(breaker);
		closeAndAwaitAllAllowing(operator, breaker);
		assertThat(cut.get("/decide?breaker=" + breaker)).containsEntry("issuer", "SHARED");
		long forcedEpoch;
		long healed;
		long rejoined;
		double fellBack;
		Map<String, String> served;
		Map<String, String> failing;
		this.proxy.blackhole();
		try {
			long cutAt = System.nanoTime();
			Await.until(WAIT, () -> "LOCAL".equals(cut.get("/decide?breaker=" + breaker).get("issuer")),
					cut.id() + " to decide on its local breaker once its Redis link is cut");
			fellBack = millis(System.nanoTime() - cutAt);
			served = cut.post("/run?breaker=" + breaker + "&calls=200&threads=" + THREADS
					+ "&api=programmatic&outcome=succeed");
			assertThat(number(served, "permitted")).as("calls served while cut off: %s", served).isEqualTo(200);
			if (mode == Mode.STRICT) {
				assertThat(number(served, "localDecisions")).as("decided by the local policy").isEqualTo(200);
			}
			// bounded: the view decides, following the local breaker while Redis is away (its admissions do not
			// say so); that it follows the local breaker shows below, when the process's own failures open it.
			failing = cut.post("/run?breaker=" + breaker + "&calls=40&threads=" + THREADS
					+ "&api=programmatic&outcome=fail");
			assertThat(number(failing, "permitted")).as("failures before the local breaker opened: %s", failing)
				.isGreaterThanOrEqualTo(3);
			assertThat(number(failing, "rejected")).as("its own failures opened its local breaker: %s", failing)
				.isPositive();
			assertThat(this.redis.command("HGET", "cb:{" + breaker + "}", "state"))
				.as("the cut-off process's failures stay out of the shared state")
				.isIn(null, "CLOSED");
			assertThat(other.get("/decide?breaker=" + breaker)).containsEntry("allowed", "true");

			// Meanwhile the others force the breaker open.
			assertThat(operator.updateState(breaker, "FORCE_OPEN")).contains("\"state\":\"FORCED_OPEN\"");
			forcedEpoch = Long.parseLong(String.valueOf(this.redis.command("HGET", "cb:{" + breaker + "}", "epoch")));
			for (HarnessProcess process : List.of(operator, other)) {
				Await.until(WAIT, () -> "false".equals(process.get("/decide?breaker=" + breaker).get("allowed")),
						process.id() + " to obey FORCED_OPEN");
			}
		}
		finally {
			this.proxy.resume();
			healed = System.nanoTime();
		}
		Await.until(Duration.ofSeconds(30), () -> {
			String document = cut.actuator(breaker);
			return document.contains("\"source\":\"shared\"") && document.contains("\"state\":\"FORCED_OPEN\"");
		}, cut.id() + " to read the shared FORCED_OPEN again once healed");
		rejoined = System.nanoTime();
		double rejoinMillis = millis(rejoined - healed);
		// Longer than its local open-timeout (1 s): following its own breaker it would admit a trial call by then.
		cut.post("/watch/start?breaker=" + breaker + "&threads=3&pauseMicros=2000");
		Map<String, String> watch;
		try {
			long until = System.nanoTime() + Duration.ofMillis(2500).toNanos();
			watch = Await.value(Duration.ofSeconds(10), () -> cut.get("/watch?breaker=" + breaker),
					(w) -> number(w, "nowNanos") - until > 0, "a 2.5 s observation of " + cut.id());
		}
		finally {
			cut.post("/watch/stop?breaker=" + breaker);
		}
		Object state = this.redis.command("HGET", "cb:{" + breaker + "}", "state");
		Object sharedFailures = this.redis.command("HGET", "cb:{" + breaker + "}:window", "f");
		long epoch = Long.parseLong(String.valueOf(this.redis.command("HGET", "cb:{" + breaker + "}", "epoch")));
		result("partition and heal, " + mode.suffix(), PROCESSES + " processes; the cut-off one runs " + THREADS
				+ " threads (200 succeeding + 40 failing calls while cut off)",
				"fell back to local after " + format(fellBack) + " ms; served " + served.get("permitted") + "/200 (" + served.get("localDecisions")
						+ " decided by the local store itself, the others by the view following it; slowest decision "
						+ served.get("slowestDecisionMicros") + " µs); local breaker opened after " + failing.get("permitted")
						+ " failures; rejoined FORCED_OPEN " + format(rejoinMillis) + " ms after healing; then "
						+ watch.get("allowed") + " of " + (number(watch, "allowed") + number(watch, "rejected"))
						+ " decisions admitted in 2.5 s; shared state " + state + ", shared failures " + sharedFailures + (epoch == forcedEpoch ? ", epoch unchanged" : ", epoch CHANGED"));
		assertThat(number(watch, "allowed")).as("calls the healed process admitted while the fleet holds FORCED_OPEN")
			.isZero();
		assertThat(number(watch, "rejected")).isPositive();
		assertThat(state).as("the shared state after healing").isEqualTo("FORCED_OPEN");
		assertThat(sharedFailures).as("failures counted in the shared window after healing (the cut-off process's are local)")
			.isIn(null, "0");
		assertThat(epoch).as("the shared epoch after healing (nothing undid the force-open)").isEqualTo(forcedEpoch);

		closeAndAwaitAllAllowing(operator, breaker);
		Await.until(WAIT, () -> "SHARED".equals(cut.get("/decide?breaker=" + breaker).get("issuer")),
				cut.id() + " to follow the shared CLOSED again");
	}

	// 7. Outcomes of an earlier epoch (calls that end after the breaker moved on) do not change the new state.

	@Order(7)
	@ParameterizedTest
	@EnumSource(Mode.class)
	void outcomesOfAnEarlierEpochDoNotChangeTheNewState(Mode mode) {
		String breaker = "late-" + mode.suffix();
		HarnessProcess slow = this.fleet.get(0);
		HarnessProcess other = this.fleet.get(1);
		HarnessProcess watcher = this.fleet.get(2);
		known(breaker);
		closeAndAwaitAllAllowing(other, breaker);

		// (a) Ten calls admitted while closed are still running while another process opens the breaker and its
		// trial call closes it again; then they all fail. Three would open it (failure-threshold 3).
		Map<String, String> held = slow.post("/hold?breaker=" + breaker + "&kind=closed&calls=10");
		assertThat(held.get("held")).as("closed-state permits held: %s", held).isEqualTo("true");
		long heldEpoch = number(held, "epoch");
		Map<String, String> tripped = other.post("/run?breaker=" + breaker + "&calls=20&threads=1&api=programmatic&outcome=fail");
		assertThat(number(tripped, "rejected")).as("%s's failures opened the breaker: %s", other.id(), tripped).isPositive();
		Map<String, String> recovered = other.post("/recover?breaker=" + breaker + "&threads=2&maxMs=10000");
		assertThat(recovered.get("recovered")).as("closed again by a trial call: %s", recovered).isEqualTo("true");
		assertThat(this.redis.command("HGET", "cb:{" + breaker + "}", "state")).isEqualTo("CLOSED");
		long closedEpoch = epoch(breaker);
		assertThat(closedEpoch).as("the epoch of the new closed state").isGreaterThan(heldEpoch);
		for (HarnessProcess process : this.fleet) {
			Await.until(WAIT, () -> "true".equals(process.get("/decide?breaker=" + breaker).get("allowed")),
					process.id() + " to admit calls in the new closed state");
		}
		watcher.post("/watch/start?breaker=" + breaker + "&threads=2&pauseMicros=1000");
		Map<String, String> watchA;
		try {
			assertThat(slow.post("/held/report?breaker=" + breaker + "&outcome=fail")).containsEntry("reported", "10");
			// Longer than max-staleness: a bounded view that had counted them would have opened by then.
			watchA = watchFor(watcher, breaker, Duration.ofMillis(500));
		}
		finally {
			watcher.post("/watch/stop?breaker=" + breaker);
		}
		Object stateA = this.redis.command("HGET", "cb:{" + breaker + "}", "state");
		long epochA = epoch(breaker);
		Object failuresA = this.redis.command("HGET", "cb:{" + breaker + "}:window", "f");
		Map<String, String> slowDecision = slow.get("/decide?breaker=" + breaker);

		// (b) A trial call of a half-open period that reopened succeeds after a later half-open period began.
		// One success would close it (success-threshold 1).
		Map<String, String> oldTrial = slow.post("/hold?breaker=" + breaker + "&kind=trial");
		assertThat(oldTrial.get("held")).as("%s holds a trial permit: %s", slow.id(), oldTrial).isEqualTo("true");
		long oldPeriod = number(oldTrial, "epoch");
		Map<String, String> failingTrial = other.post("/hold?breaker=" + breaker + "&kind=trial");
		assertThat(number(failingTrial, "epoch")).as("%s's trial permit, the period's second", other.id()).isEqualTo(oldPeriod);
		other.post("/held/report?breaker=" + breaker + "&outcome=fail");
		assertThat(this.redis.command("HGET", "cb:{" + breaker + "}", "state")).as("a failed trial reopens").isEqualTo("OPEN");
		Map<String, String> newTrial = other.post("/hold?breaker=" + breaker + "&kind=trial");
		long newPeriod = number(newTrial, "epoch");
		assertThat(newPeriod).as("the next half-open period").isGreaterThan(oldPeriod);
		assertThat(this.redis.command("HGET", "cb:{" + breaker + "}", "state")).isEqualTo("HALF_OPEN");
		assertThat(slow.post("/held/report?breaker=" + breaker + "&outcome=succeed")).containsEntry("reported", "1");
		Object stateB = this.redis.command("HGET", "cb:{" + breaker + "}", "state");
		long epochB = epoch(breaker);
		Object permitsB = this.redis.command("ZCARD", "cb:{" + breaker + "}:permits");
		// The period's own trial decides it.
		other.post("/held/report?breaker=" + breaker + "&outcome=succeed");
		Object stateEnd = this.redis.command("HGET", "cb:{" + breaker + "}", "state");

		result("outcomes of an earlier epoch, " + mode.suffix(), PROCESSES + " processes; " + slow.id()
				+ " holds 10 closed-state calls, then 1 trial call, and reports them after the breaker moved on",
				"(a) 10 late failures after OPEN->HALF_OPEN->CLOSED: shared state " + stateA + ", epoch "
						+ (epochA == closedEpoch ? "unchanged" : "CHANGED") + ", shared failures " + failuresA + "; "
						+ watcher.id() + " admitted " + watchA.get("allowed") + " and rejected " + watchA.get("rejected")
						+ " decisions in the 500 ms after; (b) a late trial success of period " + oldPeriod + " in period "
						+ newPeriod + ": shared state " + stateB + ", epoch " + (epochB == newPeriod ? "unchanged" : "CHANGED")
						+ ", trial permits held " + permitsB + "; the period's own trial success then closed it: " + stateEnd);
		assertThat(stateA).as("the shared state after 10 late failures (threshold 3)").isEqualTo("CLOSED");
		assertThat(epochA).as("the shared epoch after the late failures").isEqualTo(closedEpoch);
		assertThat(failuresA).as("late failures counted in the new window").isIn(null, "0");
		assertThat(number(watchA, "rejected")).as("%s's rejections after the late failures", watcher.id()).isZero();
		assertThat(number(watchA, "allowed")).isPositive();
		assertThat(slowDecision).as("%s itself after reporting them", slow.id()).containsEntry("allowed", "true");
		assertThat(stateB).as("the new half-open period after a late trial success of the old one").isEqualTo("HALF_OPEN");
		assertThat(epochB).as("the shared epoch after the late trial success").isEqualTo(newPeriod);
		assertThat(permitsB).as("the new period's trial permit is still held").isEqualTo(1L);
		assertThat(stateEnd).as("closed by the new period's own trial").isEqualTo("CLOSED");
	}

	// 8. minimum-failing-instances: one failing process opens for itself alone; a second one opens the fleet.

	@Order(8)
	@org.junit.jupiter.api.Test
	void oneFailingProcessOpensOnlyItselfUntilASecondOneFails() {
		String breaker = "quorum-bounded";
		HarnessProcess first = this.fleet.get(1);
		HarnessProcess second = this.fleet.get(2);
		HarnessProcess bystander = this.fleet.get(0);
		known(breaker);
		closeAndAwaitAllAllowing(bystander, breaker);
		Map<String, String> firstRun = first.post("/run?breaker=" + breaker + "&calls=20&threads=1&api=programmatic&outcome=fail");
		assertThat(number(firstRun, "permitted")).as("failures %s made before it opened: %s", first.id(), firstRun)
			.isGreaterThanOrEqualTo(5);
		assertThat(number(firstRun, "rejected")).as("%s opened for itself: %s", first.id(), firstRun).isPositive();
		String firstDocument = first.actuator(breaker);
		Object sharedAfterOne = this.redis.command("HGET", "cb:{" + breaker + "}", "state");
		List<Map<String, String>> watches = new ArrayList<>();
		List<HarnessProcess> others = List.of(bystander, second);
		others.forEach((p) -> p.post("/watch/start?breaker=" + breaker + "&threads=2&pauseMicros=1000"));
		try {
			for (HarnessProcess p : others) {
				watches.add(watchFor(p, breaker, Duration.ofMillis(300)));
			}
		}
		finally {
			others.forEach((p) -> p.post("/watch/stop?breaker=" + breaker));
		}
		Map<String, String> firstStill = first.get("/decide?breaker=" + breaker);

		Map<String, String> secondRun = second.post("/run?breaker=" + breaker + "&calls=20&threads=1&api=programmatic&outcome=fail");
		Object sharedAfterTwo = this.redis.command("HGET", "cb:{" + breaker + "}", "state");
		long opened = System.nanoTime();
		Await.until(WAIT, () -> "false".equals(bystander.get("/decide?breaker=" + breaker).get("allowed")),
				bystander.id() + " to obey the shared OPEN once a second process failed");
		double obeyed = millis(System.nanoTime() - opened);
		result("minimum-failing-instances 2, bounded", PROCESSES + " processes; " + first.id() + " then " + second.id()
				+ " fail 20 calls each on 1 thread (failure-threshold 5)",
				first.id() + " admitted " + firstRun.get("permitted") + " failures, then rejected " + firstRun.get("rejected")
						+ "; shared state " + sharedAfterOne + "; the others admitted " + watches.stream().map((w) -> w.get("allowed")).toList()
						+ " and rejected " + watches.stream().map((w) -> w.get("rejected")).toList() + " decisions in 300 ms; "
						+ second.id() + " admitted " + secondRun.get("permitted") + " failures before the shared breaker opened ("
						+ sharedAfterTwo + "); " + bystander.id() + " rejected " + format(obeyed) + " ms after (polled)");
		assertThat(firstDocument).as("%s's endpoint says it is open here only", first.id()).contains("openHereOnly");
		assertThat(sharedAfterOne).as("the shared state after one process's failures").isIn(null, "CLOSED");
		for (Map<String, String> watch : watches) {
			assertThat(number(watch, "rejected")).as("rejections of the processes that did not fail: %s", watch).isZero();
			assertThat(number(watch, "allowed")).isPositive();
		}
		assertThat(firstStill).as("%s stays open for itself", first.id()).containsEntry("allowed", "false");
		assertThat(sharedAfterTwo).as("the shared state once a second process failed").isEqualTo("OPEN");
		assertThat(number(secondRun, "permitted")).as("failures %s made before the shared breaker opened (the shared run stayed counted): %s",
				second.id(), secondRun).isLessThan(5);
		closeAndAwaitAllAllowing(bystander, breaker);
	}

	// 9. A breaker that opened on a cut-off process is carried into the shared state, unless the fleet moved on.

	@Order(9)
	@ParameterizedTest
	@EnumSource(Mode.class)
	void aLocalOpeningIsCarriedIntoTheSharedStateUnlessTheFleetMovedOn(Mode mode) {
		String breaker = "carry-" + mode.suffix();
		Duration openTimeout = Duration.ofSeconds(3);
		HarnessProcess cut = this.fleet.get(0);
		HarnessProcess operator = this.fleet.get(1);
		HarnessProcess other = this.fleet.get(2);
		known(breaker);

		// (a) The shared breaker stays closed while cut-off p1's own failures open its local breaker.
		closeAndAwaitAllAllowing(operator, breaker);
		long epochBefore = epoch(breaker);
		// The rule builds on the epoch p1 saw when its outage began: it must have seen the RESET's.
		awaitSeen(cut, breaker, epochBefore);
		Map<String, String> failing;
		long healed;
		cutOff(cut, breaker);
		try {
			failing = cut.post("/run?breaker=" + breaker + "&calls=40&threads=1&api=programmatic&outcome=fail");
			assertThat(number(failing, "rejected")).as("its failures opened its local breaker: %s", failing).isPositive();
			assertThat(epoch(breaker)).as("the shared epoch while cut off").isEqualTo(epochBefore);
			assertThat(other.get("/decide?breaker=" + breaker)).containsEntry("allowed", "true");
		}
		finally {
			this.proxy.resume();
			healed = System.nanoTime();
		}
		long localOpened = number(failing, "firstRejectedNanos");
		Await.until(WAIT, () -> "OPEN".equals(String.valueOf(this.redis.command("HGET", "cb:{" + breaker + "}", "state"))),
				"the local opening to be carried into the shared state");
		double carriedAfter = millis(System.nanoTime() - healed);
		long carriedEpoch = epoch(breaker);
		this.clockOffset = redisClockOffset();
		long carried = transitionNanos(breaker);
		for (HarnessProcess process : List.of(operator, other)) {
			Await.until(WAIT, () -> "false".equals(process.get("/decide?breaker=" + breaker).get("allowed")),
					process.id() + " to obey the carried OPEN");
		}
		// The shared breaker is open for the time the local one had left: the fleet's first trial comes then.
		List<Map<String, String>> recoveries = parallel(List.of(operator, other),
				(p) -> p.post("/recover?breaker=" + breaker + "&threads=2&maxMs=15000&pauseMicros=2000"));
		long firstTrial = recoveries.stream().mapToLong((r) -> number(r, "firstTrialNanos")).min().orElseThrow();
		double trialAfterLocalOpening = millis(firstTrial - localOpened);
		Await.until(WAIT, () -> "SHARED".equals(cut.get("/decide?breaker=" + breaker).get("issuer")),
				cut.id() + " to follow the shared CLOSED again");

		// (b) The same, but meanwhile the fleet opened and closed the breaker: its newer state stands.
		closeAndAwaitAllAllowing(operator, breaker);
		awaitSeen(cut, breaker, epoch(breaker));
		cutOff(cut, breaker);
		long movedOnEpoch;
		try {
			failing = cut.post("/run?breaker=" + breaker + "&calls=40&threads=1&api=programmatic&outcome=fail");
			assertThat(number(failing, "rejected")).as("its failures opened its local breaker: %s", failing).isPositive();
			operator.updateState(breaker, "FORCE_OPEN");
			operator.updateState(breaker, "RESET");
			movedOnEpoch = epoch(breaker);
		}
		finally {
			this.proxy.resume();
			healed = System.nanoTime();
		}
		long cutOpened = number(failing, "firstRejectedNanos");
		Await.until(WAIT, () -> cut.actuator(breaker).contains("\"source\":\"shared\""),
				cut.id() + " to decide on the shared state again");
		long sharedAgain = System.nanoTime();
		double rejoined = millis(sharedAgain - healed);
		// bounded: a view read while the local breaker decided may decide for up to max-staleness more.
		Await.until(WAIT, () -> "true".equals(cut.get("/decide?breaker=" + breaker).get("allowed")),
				cut.id() + " to admit calls on the shared CLOSED");
		double admittedAfter = millis(System.nanoTime() - sharedAgain);
		assertThat(admittedAfter).as("%s admitted again, ms after its endpoint read the shared state (max-staleness %s)",
				cut.id(), MAX_STALENESS).isLessThanOrEqualTo(MAX_STALENESS.toMillis() + 100.0);
		Map<String, String> watch;
		cut.post("/watch/start?breaker=" + breaker + "&threads=2&pauseMicros=1000");
		try {
			watch = watchFor(cut, breaker, Duration.ofMillis(500));
		}
		finally {
			cut.post("/watch/stop?breaker=" + breaker);
		}
		double localLeft = openTimeout.toMillis() - millis(number(watch, "nowNanos") - cutOpened);
		Object stateB = this.redis.command("HGET", "cb:{" + breaker + "}", "state");
		long epochB = epoch(breaker);

		result("local opening carried on healing, " + mode.suffix(), PROCESSES + " processes; cut-off " + cut.id()
				+ " fails 40 calls on 1 thread (failure-threshold 3, open-timeout 3 s)",
				"(a) shared breaker closed meanwhile: shared OPEN " + format(carriedAfter) + " ms after healing (epoch "
						+ (carriedEpoch > epochBefore ? "new" : "OLD") + "); the fleet's first trial " + format(trialAfterLocalOpening)
						+ " ms after the local opening (open-timeout " + openTimeout.toMillis() + " ms); (b) the fleet forced it open and reset it meanwhile: "
						+ cut.id() + " back on the shared state " + format(rejoined) + " ms after healing, admitting again "
						+ format(admittedAfter) + " ms later, then admitted "
						+ watch.get("allowed") + " and rejected " + watch.get("rejected") + " decisions in 500 ms with "
						+ format(localLeft) + " ms of its local open time left; shared state " + stateB + ", epoch "
						+ (epochB == movedOnEpoch ? "unchanged" : "CHANGED"));
		assertThat(carriedEpoch).as("the carried opening is a new transition").isGreaterThan(epochBefore);
		assertThat(carried - localOpened).as("the carried OPEN comes after the local one").isPositive();
		assertThat(trialAfterLocalOpening).as("the fleet's first trial, ms after the local opening (open for the time it had left)")
			.isBetween(openTimeout.toMillis() - 100.0, openTimeout.toMillis() + 1000.0);
		assertThat(localLeft).as("local open time left during the observation, ms").isPositive();
		assertThat(number(watch, "rejected")).as("%s's rejections once back on the shared CLOSED", cut.id()).isZero();
		assertThat(number(watch, "allowed")).isPositive();
		assertThat(stateB).as("the fleet's newer state stands").isEqualTo("CLOSED");
		assertThat(epochB).as("the shared epoch after healing").isEqualTo(movedOnEpoch);
		closeAndAwaitAllAllowing(operator, breaker);
	}

	// 10. The trial limit while one process is cut off from Redis for longer than the open timeout.

	@Order(10)
	@ParameterizedTest
	@EnumSource(Mode.class)
	void theTrialLimitHoldsWhileAProcessIsCutOffLongerThanTheOpenTimeout(Mode mode) {
		String breaker = "cutcycle-" + mode.suffix();
		int trialLimit = 3;
		Duration openTimeout = Duration.ofMillis(500);
		Duration cutFor = Duration.ofSeconds(3);
		HarnessProcess cut = this.fleet.get(0);
		known(breaker);
		closeAndAwaitAllAllowing(this.fleet.get(1), breaker);
		long began = System.nanoTime();
		long farAway = began + Duration.ofSeconds(120).toNanos();
		this.fleet.forEach((p) -> {
			p.post("/store/sample");
			p.post("/cycle/start?breaker=" + breaker + "&threads=" + THREADS
					+ "&trialHoldMs=100&pauseMicros=1000&trials=byEpoch&stopAt=" + farAway);
		});
		long cutAt;
		long healed;
		long stopAt;
		try {
			awaitClosingPeriods(this.fleet.get(2), breaker, 5, "before the cut");
			this.proxy.blackhole();
			cutAt = System.nanoTime();
			try {
				// The fault's own duration, not a wait for anything.
				Await.until(WAIT, () -> System.nanoTime() - cutAt >= cutFor.toNanos(), cutFor + " of partition");
			}
			finally {
				this.proxy.resume();
				healed = System.nanoTime();
			}
			Await.until(WAIT, () -> "true".equals(cut.get("/store").get("shared")),
					cut.id() + " to decide on the shared state again");
			awaitClosingPeriods(cut, breaker, 5, "after healing");
		}
		finally {
			stopAt = System.nanoTime() + Duration.ofMillis(20).toNanos();
			long at = stopAt;
			this.fleet.forEach((p) -> p.post("/cycle/stop?breaker=" + breaker + "&at=" + at));
		}
		List<Map<String, String>> loops = parallel(this.fleet, (p) -> p.get("/cycle?breaker=" + breaker));
		List<Map<String, String>> stores = this.fleet.stream().map((p) -> p.get("/store")).toList();
		Map<Long, Integer> sharedTrials = new TreeMap<>();
		loops.forEach((loop) -> countByEpoch(loop.get("trialsByEpoch"), sharedTrials));
		Map<Long, Integer> cutsOwnTrials = new TreeMap<>();
		countByEpoch(loops.get(0).get("trialsByEpoch"), cutsOwnTrials);
		Map<Long, Integer> localTrials = new TreeMap<>();
		countByEpoch(loops.get(0).get("localTrialsByEpoch"), localTrials);
		// Shared transitions are the ones the processes that kept their link heard; the cut-off process's
		// other transitions are its local breaker's (nobody else can hear of them).
		Map<Long, Transition> shared = new TreeMap<>();
		for (HarnessProcess process : this.fleet.subList(1, PROCESSES)) {
			for (Transition t : transitions(process, breaker)) {
				shared.merge(t.epoch(), t, (a, b) -> (a.nanos() <= b.nanos()) ? a : b);
			}
		}
		List<Transition> local = transitions(cut, breaker).stream().filter((t) -> !shared.containsKey(t.epoch())).toList();
		Map<Long, Long> sharedPeriods = completePeriods(new ArrayList<>(shared.values()), began, stopAt);
		Map<Long, Long> localPeriods = completePeriods(local, began, stopAt);
		long t0 = cutAt;
		long t1 = healed;
		long sharedDuringCut = sharedPeriods.values().stream().filter((at) -> at - t0 > 0 && at - t1 < 0).count();
		long cutsTrialsDuringCut = cutsOwnTrials.keySet().stream()
			.filter((epoch) -> sharedPeriods.containsKey(epoch) && sharedPeriods.get(epoch) - t0 > 0
					&& sharedPeriods.get(epoch) - t1 < 0)
			.mapToLong(cutsOwnTrials::get)
			.sum();
		Map<Integer, Integer> sharedHistogram = new TreeMap<>();
		sharedPeriods.keySet().forEach((epoch) -> sharedHistogram.merge(sharedTrials.getOrDefault(epoch, 0), 1, Integer::sum));
		Map<Integer, Integer> localHistogram = new TreeMap<>();
		localPeriods.keySet().forEach((epoch) -> localHistogram.merge(localTrials.getOrDefault(epoch, 0), 1, Integer::sum));
		// The rule is counted from the start of the outage: when Redis left the cut-off process's decision path.
		long outageBegan = number(stores.get(0), "firstNotSharedNanos");
		double firstLocalTrial = millis(number(loops.get(0), "firstLocalTrialNanos") - outageBegan);
		result("trial limit with a process cut off longer than open-timeout, " + mode.suffix(), PROCESSES
				+ " processes x " + THREADS + " threads in the half-open loop; " + cut.id() + " cut off for "
				+ cutFor.toMillis() + " ms; open-timeout 500 ms, half-open-max-calls 3",
				sharedPeriods.size() + " complete shared half-open periods (" + sharedDuringCut
						+ " began during the cut); trial calls per shared period -> periods: " + sharedHistogram + "; "
						+ cut.id() + " made " + cutsTrialsDuringCut + " shared trial calls in periods that began during the cut, and "
						+ localTrials.values().stream().mapToInt(Integer::intValue).sum() + " local ones in "
						+ localPeriods.size() + " complete local periods (trial calls -> periods: " + localHistogram
						+ "), the first " + format(firstLocalTrial) + " ms after its outage began ("
						+ format(millis(outageBegan - cutAt)) + " ms after the cut)");
		for (int i = 1; i < PROCESSES; i++) {
			assertThat(number(stores.get(i), "notSharedSamples")).as("%s, never cut off, left the shared state (CPU starvation?): %s",
					this.fleet.get(i).id(), stores.get(i)).isZero();
			assertThat(loops.get(i).get("localTrialsByEpoch")).as("%s, never cut off, made no local trial call",
					this.fleet.get(i).id()).isEmpty();
		}
		assertThat(outageBegan - cutAt).as("%s left the shared state only after the cut (not from CPU starvation before it): %s",
				cut.id(), stores.get(0)).isPositive();
		assertThat(sharedDuringCut).as("shared half-open periods that began during the cut").isGreaterThanOrEqualTo(2);
		for (long epoch : sharedPeriods.keySet()) {
			assertThat(sharedTrials.getOrDefault(epoch, 0)).as("trial calls granted by Redis in the shared period of epoch %d (%s)",
					epoch, sharedHistogram).isEqualTo(trialLimit);
		}
		assertThat(cutsTrialsDuringCut).as("shared trial calls of the cut-off process in periods that began while it was cut off")
			.isZero();
		assertThat(localPeriods).as("local half-open periods of the process cut off for longer than open-timeout").isNotEmpty();
		for (long epoch : localPeriods.keySet()) {
			assertThat(localTrials.getOrDefault(epoch, 0)).as("local trial calls in the local period of epoch %d (%s)", epoch,
					localHistogram).isBetween(1, trialLimit);
		}
		// The sampler notes the outage's start up to a sample late (1 ms; more on a loaded machine): 25 ms allowed.
		assertThat(firstLocalTrial).as("the cut-off process's first local trial call, ms after its outage began (not before a full open-timeout)")
			.isGreaterThanOrEqualTo(openTimeout.toMillis() - 25.0);
	}

	private void awaitClosingPeriods(HarnessProcess process, String breaker, int more, String when) {
		long already = closedPeriods(process, breaker);
		Await.until(Duration.ofSeconds(60), () -> closedPeriods(process, breaker) >= already + more,
				more + " half-open periods to close " + when + ", as " + process.id() + " heard it");
	}

	private static long closedPeriods(HarnessProcess process, String breaker) {
		return transitions(process, breaker).stream()
			.filter((t) -> !t.local() && t.from().equals("HALF_OPEN") && t.to().equals("CLOSED"))
			.count();
	}

	/** Half-open periods that began after {@code began} and ended before {@code stopAt}: epoch to when they began. */
	private static Map<Long, Long> completePeriods(List<Transition> ordered, long began, long stopAt) {
		Map<Long, Long> complete = new TreeMap<>();
		for (int i = 0; i + 1 < ordered.size(); i++) {
			Transition t = ordered.get(i);
			Transition next = ordered.get(i + 1);
			if (t.to().equals("HALF_OPEN") && t.nanos() - began > 0 && next.from().equals("HALF_OPEN")
					&& next.nanos() - stopAt < 0) {
				complete.put(t.epoch(), t.nanos());
			}
		}
		return complete;
	}

	private static void countByEpoch(String byEpoch, Map<Long, Integer> into) {
		if (byEpoch != null && !byEpoch.isEmpty()) {
			for (String entry : byEpoch.split(",")) {
				String[] parts = entry.split(":");
				into.merge(Long.parseLong(parts[0]), Integer.parseInt(parts[1]), Integer::sum);
			}
		}
	}

	/**
	 * Waits until the process decides in the state of {@code epoch}: a RESET of a closed breaker starts a new
	 * epoch without a transition to hear of, and a closed view keeps deciding until it is read again.
	 */
	private static void awaitSeen(HarnessProcess process, String breaker, long epoch) {
		Await.until(WAIT, () -> String.valueOf(epoch).equals(process.get("/decide?breaker=" + breaker).get("epoch")),
				process.id() + " to decide in the state of epoch " + epoch);
	}

	/** Blackholes the proxied process's link and waits until it decides on its local breaker. */
	private void cutOff(HarnessProcess cut, String breaker) {
		this.proxy.blackhole();
		try {
			Await.until(WAIT, () -> "LOCAL".equals(cut.get("/decide?breaker=" + breaker).get("issuer")),
					cut.id() + " to decide on its local breaker once its Redis link is cut");
		}
		catch (RuntimeException | Error ex) {
			this.proxy.resume();
			throw ex;
		}
	}

	/** A running watch's report once it has watched for {@code duration} more. */
	private static Map<String, String> watchFor(HarnessProcess process, String breaker, Duration duration) {
		long until = System.nanoTime() + duration.toNanos();
		return Await.value(Duration.ofSeconds(10), () -> process.get("/watch?breaker=" + breaker),
				(w) -> number(w, "nowNanos") - until > 0, "a " + duration.toMillis() + " ms observation of " + process.id());
	}

	private long epoch(String breaker) {
		return Long.parseLong(String.valueOf(this.redis.command("HGET", "cb:{" + breaker + "}", "epoch")));
	}

	// Helpers.

	/** Makes every process use the breaker once, so the endpoint knows the name. */
	private void known(String breaker) {
		this.fleet.forEach((p) -> p.get("/decide?breaker=" + breaker));
	}

	private double closeAndAwaitAllAllowing(HarnessProcess operator, String breaker) {
		return FleetSupport.closeAndAwaitAllAllowing(this.fleet, operator, breaker, WAIT);
	}

	record Transition(long nanos, String from, String to, long epoch, boolean local) {

	}

	private static List<Transition> transitions(HarnessProcess process, String breaker) {
		List<Transition> all = new ArrayList<>();
		for (String line : process.send("GET", "/transitions?breaker=" + breaker, null).split("\n")) {
			String[] f = line.trim().split(" ");
			if (f.length >= 5) {
				all.add(new Transition(Long.parseLong(f[0]), f[1], f[2], Long.parseLong(f[3]), Boolean.parseBoolean(f[4])));
			}
		}
		return all;
	}

	private static long jsonNumber(String document, String field) {
		Matcher matcher = Pattern.compile("\"" + field + "\":(-?\\d+)").matcher(document);
		if (!matcher.find()) {
			throw new AssertionError("No " + field + " in " + document);
		}
		return Long.parseLong(matcher.group(1));
	}

	private static String stats(List<Double> millis) {
		List<Double> sorted = new ArrayList<>(millis);
		Collections.sort(sorted);
		return String.format(Locale.ROOT, "median %.1f ms, max %.1f ms (n=%d)", sorted.get(sorted.size() / 2),
				sorted.get(sorted.size() - 1), sorted.size());
	}

}
