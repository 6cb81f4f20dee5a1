package io.redisbreaker.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.redisbreaker.reliability.FleetReliabilityTests.Mode;
import io.redisbreaker.testsupport.Await;
import io.redisbreaker.testsupport.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
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
 * Issue 10's clock skew: three harness processes on one {@code redis-server}, {@code skew-p1} on the
 * machine's clock, {@code skew-p2} 3 hours ahead and {@code skew-p3} 3 hours behind. Only their wall clock
 * is shifted, by the LD_PRELOAD shim {@code src/test/native/realtime_shift.c}, built with gcc at the start;
 * their monotonic clock, and so every timeout, stays right. One process on the true clock is the reference
 * the skewed ones are compared with, and both directions of skew are covered. Every decision must be the
 * one an unskewed fleet makes, because Redis time decides.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClockSkewReliabilityTests {

	private static final long SHIFT_SECONDS = TimeUnit.HOURS.toSeconds(3);

	/** Shifts of skew-p1, skew-p2, skew-p3. */
	private static final long[] SHIFTS = { 0, SHIFT_SECONDS, -SHIFT_SECONDS };

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final Duration OPEN_TIMEOUT = Duration.ofMillis(1500);

	/** How far the mapping of Redis time onto this machine's monotonic clock may be off, at most. */
	private static final long CLOCK_ERROR_MILLIS = 2;

	/** A trial permit comes at most this long after open-timeout ran out (2 ms polling on a loaded machine). */
	private static final long LATE_TRIAL_MILLIS = 300;

	private Path shim;

	private RedisServer redis;

	private final List<HarnessProcess> fleet = new ArrayList<>();

	/** JUnit runs {@link #stopFleet()} also when this fails half way. */
	@BeforeAll
	void startFleet() {
		this.shim = buildShim();
		this.redis = RedisServer.launch();
		for (int i = 0; i < SHIFTS.length; i++) {
			this.fleet.add(start("skew-p" + (i + 1), SHIFTS[i]));
		}
		this.fleet.forEach(HarnessProcess::awaitReady);
	}

	@AfterAll
	void stopFleet() {
		this.fleet.forEach(HarnessProcess::close);
		if (this.redis != null) {
			this.redis.close();
		}
	}

	private HarnessProcess start(String id, long shiftSeconds) {
		return HarnessProcess.start(id, this.redis.host(), this.redis.port(), breakerSettings(),
				Map.of("LD_PRELOAD", this.shim.toAbsolutePath().toString(), "REALTIME_SHIFT_SECONDS",
						Long.toString(shiftSeconds)));
	}

	/** Compiles the shim into target/; gcc is needed (CI has it). */
	private static Path buildShim() {
		Path source = Path.of("src", "test", "native", "realtime_shift.c");
		Path library = Path.of("target", "librealtime_shift.so");
		List<String> command = List.of("gcc", "-shared", "-fPIC", "-O2", "-o", library.toString(), source.toString(),
				"-ldl");
		try {
			Process gcc = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!gcc.waitFor(60, TimeUnit.SECONDS) || gcc.exitValue() != 0 || !Files.exists(library)) {
				throw new IllegalStateException("gcc could not build the clock-skew shim (" + String.join(" ", command)
						+ "):\n" + output);
			}
			return library;
		}
		catch (IOException ex) {
			throw new IllegalStateException("The clock-skew tests need gcc on the PATH to build " + source
					+ " (LD_PRELOAD shim shifting the wall clock); could not run it: " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** The same on every process. */
	private static List<String> breakerSettings() {
		// No Redis fault is injected here: only CPU starvation of two loaded cores (other builds run too) could
		// hand a process to its local policy, which would hide what the skew does. 250 ms, as in the other
		// classes, was not enough once (load average 10: a restarted process left Redis during its run).
		List<String> args = new ArrayList<>(
				List.of("--circuitbreaker.redis-timeout=1s", "--circuitbreaker.redis-slow-threshold=1s"));
		for (Mode mode : Mode.values()) {
			String m = mode.suffix();
			settings(args, "skew-trip-" + m, m, "failure-threshold=5", "open-timeout=60s");
			for (int round = 1; round <= 2; round++) {
				settings(args, "skew-timeout-" + m + "-" + round, m, "failure-threshold=3", "half-open-max-calls=3",
						"success-threshold=3", "open-timeout=" + OPEN_TIMEOUT.toMillis() + "ms",
						"half-open-permit-lease=30s");
			}
			settings(args, "skew-restart-" + m, m, "failure-threshold=1000000", "minimum-calls=1000000");
		}
		return args;
	}

	// 0. The skew is in effect, and the skewed processes still decide with Redis.

	@Order(0)
	@Test
	void theSkewedProcessesClocksAreHoursOffAndTheyUseRedis() {
		List<String> offsets = new ArrayList<>();
		for (int i = 0; i < this.fleet.size(); i++) {
			HarnessProcess process = this.fleet.get(i);
			long offset = wallOffsetMillis(process);
			offsets.add(process.id() + " " + format(offset / 3_600_000.0) + " h");
			assertThat(offset).as("%s's wall clock minus the test's, ms (shift %d s)", process.id(), SHIFTS[i])
				.isBetween(SHIFTS[i] * 1000 - 5000, SHIFTS[i] * 1000 + 5000);
			assertThat(process.get("/decide?breaker=skew-trip-bounded")).as("%s decides with Redis", process.id())
				.containsEntry("issuer", "SHARED");
		}
		result("clock skew in effect", this.fleet.size() + " processes", "wall clock minus the test's: " + offsets);
	}

	// 1. Failures recorded by a skewed process trip the breaker after exactly failure-threshold of them.

	@Order(1)
	@ParameterizedTest
	@EnumSource(Mode.class)
	void failuresOfASkewedProcessTripTheBreakerForAllAtTheThreshold(Mode mode) {
		String breaker = "skew-trip-" + mode.suffix();
		String key = "cb:{" + breaker + "}";
		List<String> admitted = new ArrayList<>();
		List<String> offsets = new ArrayList<>();
		known(breaker);
		for (HarnessProcess tripper : this.fleet) {
			closeAndAwaitAllAllowing(tripper, breaker);
			long before = redisMillis();
			Map<String, String> run = runOnRedis(tripper, breaker, 20);
			long after = redisMillis();
			admitted.add(tripper.id() + " " + run.get("permitted"));
			assertThat(number(run, "permitted")).as("failing calls %s admitted before it rejected: %s", tripper.id(), run)
				.isEqualTo(5);
			assertThat(run.get("reported")).isEqualTo("true");
			Map<String, String> state = hash(key);
			assertThat(state.get("state")).isEqualTo("OPEN");
			// The stored times are Redis time, not the tripper's clock (3 hours off for two of them).
			long epochMillis = Long.parseLong(state.get("epoch")) / 1000;
			long changedAt = Long.parseLong(state.get("changed_at"));
			assertThat(epochMillis).as("epoch (µs of Redis time) of the trip by %s, in ms", tripper.id())
				.isBetween(before, after);
			assertThat(changedAt).as("changed_at of the trip by %s", tripper.id()).isBetween(before, after);
			assertThat(Long.parseLong(state.get("open_until")) - Long.parseLong(state.get("opened_at")))
				.as("open_until - opened_at").isEqualTo(60_000);
			long tripperClock = System.currentTimeMillis() + wallOffsetMillis(tripper);
			offsets.add(tripper.id() + " " + format((changedAt - tripperClock) / 3_600_000.0) + " h");
			for (HarnessProcess process : this.fleet) {
				Await.until(WAIT, () -> "false".equals(process.get("/decide?breaker=" + breaker).get("allowed")),
						process.id() + " to reject calls of the breaker " + tripper.id() + " tripped");
				// What the endpoint shows comes from Redis too: nextTrialAt and changedAt are Redis times.
				String document = process.actuator(breaker);
				assertThat(jsonInstant(document, "nextTrialAt"))
					.as("%s's endpoint: nextTrialAt", process.id())
					.isEqualTo(Instant.ofEpochMilli(Long.parseLong(state.get("open_until"))));
				assertThat(jsonInstant(document, "changedAt")).as("%s's endpoint: changedAt", process.id())
					.isEqualTo(Instant.ofEpochMilli(changedAt));
			}
		}
		closeAndAwaitAllAllowing(this.fleet.get(0), breaker);
		result("clock skew: trip, " + mode.suffix(), "3 processes (+0, +3 h, -3 h), each trips in turn, 1 thread x 20 failing calls",
				"failing calls admitted before rejecting: " + admitted + " (threshold 5); stored changed_at minus the tripper's clock: "
						+ offsets + "; epoch and changed_at within Redis TIME before/after the run; every endpoint shows Redis's open_until and changed_at");
	}

	// 2. OPEN -> HALF_OPEN after open-timeout of Redis time, for skewed and unskewed processes alike.

	@Order(2)
	@ParameterizedTest
	@EnumSource(Mode.class)
	void aSkewedProcessGetsItsFirstTrialPermitWhenTheOthersDo(Mode mode) {
		List<Double> delays = new ArrayList<>();
		List<String> byProcess = new ArrayList<>();
		for (int round = 1; round <= 2; round++) {
			String breaker = "skew-timeout-" + mode.suffix() + "-" + round;
			String key = "cb:{" + breaker + "}";
			HarnessProcess tripper = this.fleet.get(round);
			known(breaker);
			long clockOffset = FleetSupport.redisClockOffset(this.redis, CLOCK_ERROR_MILLIS);
			Map<String, String> run = runOnRedis(tripper, breaker, 10);
			assertThat(number(run, "permitted")).as("failures before the trip: %s", run).isEqualTo(3);
			long openEpoch = Long.parseLong(hash(key).get("epoch"));
			long opened = openEpoch * 1000 + clockOffset;
			// Every process asks every 2 ms until it holds a trial permit (half-open-max-calls 3: one each).
			List<Map<String, String>> held = parallel(this.fleet,
					(p) -> p.post("/hold-trial?breaker=" + breaker + "&timeoutMs=10000"));
			Map<String, String> state = hash(key);
			assertThat(state.get("state")).isEqualTo("HALF_OPEN");
			// open_until is kept in ms of Redis time: the period may end up to 1 ms before open-timeout in µs.
			assertThat(Long.parseLong(state.get("epoch")) - openEpoch).as("Redis time from OPEN to HALF_OPEN, µs")
				.isGreaterThanOrEqualTo(OPEN_TIMEOUT.toNanos() / 1000 - 1000);
			StringBuilder line = new StringBuilder("tripped by " + tripper.id() + ":");
			for (int i = 0; i < held.size(); i++) {
				Map<String, String> hold = held.get(i);
				assertThat(hold.get("held")).as("%s holds a trial permit: %s", this.fleet.get(i).id(), hold).isEqualTo("true");
				double delay = millis(number(hold, "grantedNanos") - opened);
				delays.add(delay);
				line.append(' ').append(this.fleet.get(i).id()).append(' ').append(format(delay));
				assertThat(delay).as("%s's first trial permit after the OPEN transition, ms (open-timeout %d ms)",
						this.fleet.get(i).id(), OPEN_TIMEOUT.toMillis())
					.isBetween((double) OPEN_TIMEOUT.toMillis() - CLOCK_ERROR_MILLIS,
							(double) OPEN_TIMEOUT.toMillis() + LATE_TRIAL_MILLIS);
			}
			byProcess.add(line.toString());
		}
		result("clock skew: open-timeout, " + mode.suffix(), "3 processes (+0, +3 h, -3 h) polling every 2 ms for a trial permit; open-timeout "
				+ OPEN_TIMEOUT.toMillis() + " ms; 2 rounds, tripped by a skewed process",
				"first trial permit after the OPEN transition (Redis time of its epoch), ms: " + byProcess + "; min "
						+ format(delays.stream().mapToDouble(Double::doubleValue).min().orElseThrow()) + ", max "
						+ format(delays.stream().mapToDouble(Double::doubleValue).max().orElseThrow()));
	}

	// 3. A process restarted with its clock hours behind, same instance id, still has its failures counted.

	@Order(3)
	@ParameterizedTest
	@EnumSource(Mode.class)
	void aProcessRestartedWithItsClockBehindKeepsCounting(Mode mode) throws InterruptedException {
		String breaker = "skew-restart-" + mode.suffix();
		String id = "skew-restarted-" + mode.suffix();
		String window = "cb:{" + breaker + "}:window";
		HarnessProcess process = start(id, 0).awaitReady();
		try {
			assertThat(number(runOnRedis(process, breaker, 50), "permitted")).isEqualTo(50);
			assertThat(this.redis.command("HGET", window, "f")).as("failures counted before the restart").isEqualTo("50");
		}
		finally {
			process.kill();
		}
		Map<String, String> second;
		process = start(id, -SHIFT_SECONDS).awaitReady();
		try {
			assertThat(wallOffsetMillis(process)).as("the restarted process's clock, ms off")
				.isLessThan(-SHIFT_SECONDS * 1000 + 5000);
			second = runOnRedis(process, breaker, 50);
		}
		finally {
			process.kill();
		}
		Object counted = this.redis.command("HGET", window, "f");
		result("clock skew: restart with the clock 3 h behind, " + mode.suffix(),
				"1 process (instance id " + id + "), 50 failing calls, kill -9, restarted 3 h behind, 50 more",
				"failures in the Redis window after the restart: " + counted + " (" + second.get("permitted")
						+ " more sent; 100 expected)");
		assertThat(number(second, "permitted")).isEqualTo(50);
		assertThat(second.get("reported")).isEqualTo("true");
		assertThat(counted).as("failures counted in Redis, before and after the restart").isEqualTo("100");
	}

	// Helpers.

	/** This process's wall clock minus the test JVM's, from the middle of the request. */
	private static long wallOffsetMillis(HarnessProcess process) {
		long before = System.currentTimeMillis();
		long wall = number(process.get("/now"), "wallMillis");
		long after = System.currentTimeMillis();
		return wall - (before + after) / 2;
	}

	private void known(String breaker) {
		this.fleet.forEach((p) -> p.get("/decide?breaker=" + breaker));
	}

	private void closeAndAwaitAllAllowing(HarnessProcess operator, String breaker) {
		this.fleet.forEach(ClockSkewReliabilityTests::awaitOnRedis);
		FleetSupport.closeAndAwaitAllAllowing(this.fleet, operator, breaker, WAIT);
	}

	/**
	 * {@code calls} failing calls on one thread; the process must decide with Redis throughout, else the
	 * run shows the local fallback and not what the skew does.
	 */
	private static Map<String, String> runOnRedis(HarnessProcess process, String breaker, int calls) {
		awaitOnRedis(process);
		long outages = number(process.get("/store"), "outages");
		Map<String, String> run = process
			.post("/run?breaker=" + breaker + "&calls=" + calls + "&threads=1&api=programmatic&outcome=fail");
		assertThat(number(process.get("/store"), "outages"))
			.as("%s left Redis during the run (CPU starvation?), so the run shows its local fallback: %s", process.id(), run)
			.isEqualTo(outages);
		return run;
	}

	private static void awaitOnRedis(HarnessProcess process) {
		Await.until(WAIT, () -> "true".equals(process.get("/store").get("shared")), process.id() + " to decide with Redis");
	}

	private Map<String, String> hash(String key) {
		List<?> flat = (List<?>) this.redis.command("HGETALL", key);
		Map<String, String> values = new LinkedHashMap<>();
		for (int i = 0; i + 1 < flat.size(); i += 2) {
			values.put(String.valueOf(flat.get(i)), String.valueOf(flat.get(i + 1)));
		}
		return values;
	}

	/** Redis TIME in ms. */
	private long redisMillis() {
		List<?> time = (List<?>) this.redis.command("TIME");
		return Long.parseLong(String.valueOf(time.get(0))) * 1000 + Long.parseLong(String.valueOf(time.get(1))) / 1000;
	}

	private static Instant jsonInstant(String document, String field) {
		Matcher matcher = Pattern.compile("\"" + field + "\":\"([^\"]+)\"").matcher(document);
		if (!matcher.find()) {
			throw new AssertionError("No " + field + " in " + document);
		}
		return Instant.parse(matcher.group(1));
	}

}
