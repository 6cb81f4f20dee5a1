package io.redisbreaker.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.redisbreaker.core.BreakerStore;
import io.redisbreaker.core.CallPermit;
import io.redisbreaker.core.CircuitBreaker;
import io.redisbreaker.core.CircuitBreakerRegistry;
import io.redisbreaker.core.OverflowPolicy;
import io.redisbreaker.core.ViewOptions;
import io.redisbreaker.testsupport.RedisServer;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What JMH cannot show: how a shared breaker behaves between instances, and what it costs Redis.
 * Starts a {@code redis-server} on a free loopback port and instances of a Spring Boot application
 * with the starter (this JVM and child JVMs on the same class path), and prints figures:
 * <ul>
 * <li>transition propagation between two JVMs, with Pub/Sub and without it (the periodic reads alone);</li>
 * <li>trip latency and overshoot in {@code bounded}: two instances calling at full speed, the dependency
 * failing from t0;</li>
 * <li>Redis CPU per 1,000 protected calls in steady CLOSED ({@code INFO commandstats}), at a call rate
 * and at ten times it, {@code bounded} against {@code strict};</li>
 * <li>Redis commands per breaker per instance per second in steady CLOSED;</li>
 * <li>bytes in Redis per breaker with a full sliding window ({@code MEMORY USAGE} over its keys).</li>
 * </ul>
 * Run: {@code ./mvnw -q -pl benchmarks exec:exec -Dexec.mainClass=...} (see docs/benchmarks.md).
 */
public final class FleetHarness {

	private static final String PROPAGATION = "harness/propagation";

	private static final String QUIET = "harness/no-pubsub";

	private static final String TRIP = "harness/trip";

	private static final int ROUNDS = 50;

	private final RedisServer redis;

	private final PrintStream out = System.out;

	private FleetHarness(RedisServer redis) {
		this.redis = redis;
	}

	public static void main(String[] args) throws Exception {
		if (args.length > 0 && args[0].equals("follower")) {
			Follower.run(args[1], Integer.parseInt(args[2]), Boolean.parseBoolean(args[3]));
			return;
		}
		try (RedisServer redis = RedisServer.startProcess()) {
			FleetHarness harness = new FleetHarness(redis);
			harness.out.println("# Fleet harness, " + java.time.LocalDate.now() + ", "
					+ Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version")
					+ ", " + ((String) redis.command("INFO", "server")).lines().filter((l) -> l.startsWith("redis_version"))
						.findFirst().orElse("redis"));
			harness.redisCost();
			harness.memoryPerBreaker();
			harness.propagationAndOvershoot();
		}
		System.exit(0);
	}

	// Redis cost in steady CLOSED.

	private void redisCost() {
		try (ConfigurableApplicationContext app = start(this.redis.host(), this.redis.port(),
				"--circuitbreaker.instances[harness/strict].consistency=strict")) {
			CircuitBreakerRegistry registry = app.getBean(CircuitBreakerRegistry.class);
			this.out.println();
			this.out.println("## Redis cost per protected call, steady CLOSED, one instance, 10 s per row");
			this.out.println();
			this.out.println("| mode | calls/s asked | calls/s made | Redis script µs per 1,000 calls | script calls/s | script calls per breaker per s |");
			this.out.println("|---|---|---|---|---|---|");
			costRow(registry.circuitBreaker("harness/strict"), "strict", 2_000);
			costRow(registry.circuitBreaker("harness/bounded"), "bounded", 2_000);
			costRow(registry.circuitBreaker("harness/bounded"), "bounded", 20_000);
			costRow(registry.circuitBreaker("harness/bounded"), "bounded", 200_000);
		}
	}

	private void costRow(CircuitBreaker breaker, String mode, int rate) {
		// Warm up, then measure with fresh statistics.
		paced(breaker, rate, Duration.ofSeconds(2));
		this.redis.command("CONFIG", "RESETSTAT");
		long made = paced(breaker, rate, Duration.ofSeconds(10));
		String stats = (String) this.redis.command("INFO", "commandstats");
		long usec = stat(stats, "evalsha", "usec") + stat(stats, "eval", "usec");
		long scripts = stat(stats, "evalsha", "calls") + stat(stats, "eval", "calls");
		this.out.printf(Locale.ROOT, "| %s | %,d | %,d | %.1f | %.1f | %.1f |%n", mode, rate, made / 10,
				usec * 1000.0 / made, scripts / 10.0, scripts / 10.0);
	}

	/** Calls at {@code rate} per second, on this thread, for {@code duration}; answers the calls made. */
	private static long paced(CircuitBreaker breaker, int rate, Duration duration) {
		long start = System.nanoTime();
		long end = start + duration.toNanos();
		long made = 0;
		long perMilli = Math.max(1, rate / 1000);
		long tick = start;
		while (System.nanoTime() < end) {
			for (int i = 0; i < perMilli; i++) {
				breaker.executeSupplier(() -> 42);
				made++;
			}
			tick += 1_000_000;
			long wait = tick - System.nanoTime();
			if (wait > 0) {
				LockSupport.parkNanos(wait);
			}
		}
		return made;
	}

	/** A field of one command's line in INFO commandstats, 0 when the command did not run. */
	private static long stat(String stats, String command, String field) {
		for (String line : stats.split("\r?\n")) {
			if (line.startsWith("cmdstat_" + command + ":")) {
				for (String part : line.substring(line.indexOf(':') + 1).split(",")) {
					String[] kv = part.split("=");
					if (kv[0].equals(field)) {
						return (long) Double.parseDouble(kv[1]);
					}
				}
			}
		}
		return 0;
	}

	// Memory.

	private void memoryPerBreaker() {
		try (ConfigurableApplicationContext app = start(this.redis.host(), this.redis.port(),
				"--circuitbreaker.instances[harness/memory].sliding-window=60s",
				"--circuitbreaker.instances[harness/memory].failure-threshold=1000000",
				"--circuitbreaker.instances[harness/memory].minimum-calls=1000000")) {
			CircuitBreaker breaker = app.getBean(CircuitBreakerRegistry.class).circuitBreaker("harness/memory");
			// Calls in every one of the window's 60 one-second buckets, some failing.
			long end = System.nanoTime() + Duration.ofSeconds(62).toNanos();
			long i = 0;
			while (System.nanoTime() < end) {
				CallPermit permit = breaker.acquirePermission();
				if (i++ % 10 == 0) {
					permit.recordFailure(new IllegalStateException("down"));
				}
				else {
					permit.recordSuccess();
				}
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
			}
			app.getBean(CircuitBreakerRegistry.class).flush().toCompletableFuture().join();
			String state = "cb:{harness/memory}";
			long total = 0;
			StringBuilder keys = new StringBuilder();
			for (String key : List.of(state, state + ":window", state + ":streak", state + ":permits",
					state + ":events", state + ":settings", state + ":batches")) {
				Object usage = this.redis.command("MEMORY", "USAGE", key);
				long bytes = (usage == null) ? 0 : Long.parseLong(usage.toString());
				total += bytes;
				keys.append(key.substring(state.length()).isEmpty() ? "state" : key.substring(state.length() + 1))
					.append(' ').append(bytes).append(", ");
			}
			this.out.println();
			this.out.println("## Redis memory per breaker, full 60-bucket window (" + i + " calls over 62 s)");
			this.out.println();
			this.out.println("MEMORY USAGE: " + total + " bytes (" + keys.substring(0, keys.length() - 2) + ")");
		}
	}

	// Propagation and overshoot, across JVMs.

	private void propagationAndOvershoot() throws Exception {
		try (ConfigurableApplicationContext app = start(this.redis.host(), this.redis.port());
				Child first = Child.start(this.redis, true);
				Child second = Child.start(this.redis, false)) {
			CircuitBreakerRegistry registry = app.getBean(CircuitBreakerRegistry.class);
			first.await("READY");
			second.await("READY");
			List<Long> pubSub = new ArrayList<>();
			List<Long> reads = new ArrayList<>();
			for (int round = 0; round < ROUNDS; round++) {
				pubSub.add(flip(registry, PROPAGATION, first, true));
				pubSub.add(flip(registry, PROPAGATION, first, false));
				reads.add(flip(registry, QUIET, first, true));
				reads.add(flip(registry, QUIET, first, false));
			}
			this.out.println();
			this.out.println("## Transition propagation between two JVMs (" + ROUNDS
					+ " force-opens and closes each, from before the operator's command to the other JVM's first changed decision)");
			this.out.println();
			this.out.println("| path | median ms | p99 ms | max ms |");
			this.out.println("|---|---|---|---|");
			this.out.println(row("Pub/Sub (default)", pubSub));
			this.out.println(row("periodic reads only (a lost message)", reads));

			this.out.println();
			this.out.println("## Trip latency and overshoot, bounded, two JVMs calling at full speed, failure-threshold 5");
			this.out.println();
			this.out.println("| round | admitted after t0, JVM 1 | JVM 2 | fleet-wide beyond the threshold | until every JVM rejected, ms |");
			this.out.println("|---|---|---|---|---|");
			for (int round = 1; round <= 5; round++) {
				registry.circuitBreaker(TRIP).reset();
				LockSupport.parkNanos(Duration.ofMillis(300).toNanos());
				long t0 = System.nanoTime() + Duration.ofMillis(200).toNanos();
				first.send("FAIL_AT " + t0);
				second.send("FAIL_AT " + t0);
				String[] a = first.await("TRIP").split(" ");
				String[] b = second.await("TRIP").split(" ");
				long admitted1 = Long.parseLong(a[1]);
				long admitted2 = Long.parseLong(b[1]);
				long until = Math.max(Long.parseLong(a[2]), Long.parseLong(b[2])) - t0;
				this.out.printf(Locale.ROOT, "| %d | %d | %d | %d | %.1f |%n", round, admitted1, admitted2,
						admitted1 + admitted2 - 5, until / 1e6);
			}
			first.send("STOP");
			second.send("STOP");
		}
	}

	/** Forces the breaker open (or closes it) here and answers how long until the child decided so. */
	private static long flip(CircuitBreakerRegistry registry, String name, Child child, boolean open)
			throws InterruptedException {
		long t0 = System.nanoTime();
		if (open) {
			registry.circuitBreaker(name).forceOpen();
		}
		else {
			registry.circuitBreaker(name).forceClose();
		}
		String line = child.await((open ? "REJECT " : "ALLOW ") + name);
		return Long.parseLong(line.substring(line.lastIndexOf(' ') + 1)) - t0;
	}

	private static String row(String label, List<Long> nanos) {
		List<Long> sorted = new ArrayList<>(nanos);
		Collections.sort(sorted);
		double median = sorted.get(sorted.size() / 2) / 1e6;
		double p99 = sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1) / 1e6;
		double max = sorted.get(sorted.size() - 1) / 1e6;
		return String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.2f |", label, median, p99, max);
	}

	static ConfigurableApplicationContext start(String host, int port, String... more) {
		List<String> args = new ArrayList<>(List.of("--spring.main.web-application-type=none",
				"--spring.main.banner-mode=off", "--logging.level.root=WARN", "--spring.data.redis.host=" + host,
				"--spring.data.redis.port=" + port));
		args.addAll(List.of(more));
		return new SpringApplication(Application.class).run(args.toArray(String[]::new));
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Application {

	}

	/** A child JVM running {@link Follower}, spoken to over its standard input and output. */
	private static final class Child implements AutoCloseable {

		private final Process process;

		private final Writer input;

		private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

		private Child(Process process) {
			this.process = process;
			this.input = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
			Thread reader = new Thread(() -> {
				try (BufferedReader output = new BufferedReader(
						new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
					String line;
					while ((line = output.readLine()) != null) {
						this.lines.add(line);
					}
				}
				catch (IOException ex) {
					// The child ended.
				}
			}, "harness-child-output");
			reader.setDaemon(true);
			reader.start();
		}

		static Child start(RedisServer redis, boolean watch) throws IOException {
			String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
			Process process = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
					FleetHarness.class.getName(), "follower", redis.host(), Integer.toString(redis.port()),
					Boolean.toString(watch))
				.redirectError(ProcessBuilder.Redirect.INHERIT)
				.start();
			return new Child(process);
		}

		void send(String line) {
			try {
				this.input.write(line + "\n");
				this.input.flush();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		/** The next line starting with {@code prefix} (others are skipped), within a minute. */
		String await(String prefix) throws InterruptedException {
			long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
			while (System.nanoTime() < deadline) {
				String line = this.lines.poll(1, TimeUnit.SECONDS);
				if (line != null && line.startsWith(prefix)) {
					return line;
				}
			}
			throw new IllegalStateException("The child JVM did not say '" + prefix + "' within a minute");
		}

		@Override
		public void close() throws InterruptedException {
			this.process.destroy();
			if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
			}
		}

	}

	/** The child JVM: an instance that watches two breakers and, when told, calls one at full speed. */
	static final class Follower {

		private Follower() {
		}

		static void run(String host, int port, boolean watch) throws Exception {
			ConfigurableApplicationContext app = start(host, port);
			CircuitBreakerRegistry registry = app.getBean(CircuitBreakerRegistry.class);
			// A registry without Pub/Sub on the same store: it learns only from its views' reads.
			CircuitBreakerRegistry quiet = new CircuitBreakerRegistry(app.getBean(BreakerStore.class),
					registry.getConfigs(), (transition) -> {
					}, registry.getInstanceId() + "-quiet", CircuitBreakerRegistry.DEFAULT_MAX_BREAKERS,
					OverflowPolicy.ALLOW, ViewOptions.defaults());
			PrintStream out = System.out;
			AtomicLong failAt = new AtomicLong(Long.MAX_VALUE);
			Thread watcher = new Thread(() -> watch(out, registry.circuitBreaker(PROPAGATION),
					quiet.circuitBreaker(QUIET)), "harness-watcher");
			watcher.setDaemon(true);
			if (watch) {
				watcher.start();
			}
			Thread caller = new Thread(() -> callAtFullSpeed(out, registry.circuitBreaker(TRIP), failAt),
					"harness-caller");
			caller.setDaemon(true);
			caller.start();
			out.println("READY");
			out.flush();
			BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
			String line;
			while ((line = commands.readLine()) != null && !line.equals("STOP")) {
				if (line.startsWith("FAIL_AT ")) {
					failAt.set(Long.parseLong(line.substring(8)));
				}
			}
			app.close();
			System.exit(0);
		}

		/**
		 * Reports every change of each breaker's decision, with the time it was first seen; asks every
		 * 20 µs, so the two cores are not taken by spinning.
		 */
		private static void watch(PrintStream out, CircuitBreaker... breakers) {
			boolean[] allowed = new boolean[breakers.length];
			java.util.Arrays.fill(allowed, true);
			while (true) {
				LockSupport.parkNanos(20_000);
				for (int i = 0; i < breakers.length; i++) {
					boolean now = breakers[i].tryAcquirePermission().map((permit) -> {
						permit.release();
						return true;
					}).orElse(false);
					if (now != allowed[i]) {
						allowed[i] = now;
						synchronized (out) {
							out.println((now ? "ALLOW " : "REJECT ") + breakers[i].getName() + " " + System.nanoTime());
							out.flush();
						}
					}
				}
			}
		}

		/**
		 * Calls succeed until the time given by the harness, then fail: counts the calls admitted from
		 * then until the first rejection and reports them with the time of that rejection.
		 */
		private static void callAtFullSpeed(PrintStream out, CircuitBreaker breaker, AtomicLong failAt) {
			long admitted = 0;
			while (true) {
				long t = failAt.get();
				if (t == Long.MAX_VALUE) {
					// Between rounds: idle, so the propagation figures are not measured on busy cores.
					LockSupport.parkNanos(1_000_000);
					continue;
				}
				CallPermit permit = breaker.tryAcquirePermission().orElse(null);
				long now = System.nanoTime();
				if (now - t < 0) {
					if (permit != null) {
						permit.recordSuccess();
					}
					continue;
				}
				if (permit == null) {
					synchronized (out) {
						out.println("TRIP " + admitted + " " + now);
						out.flush();
					}
					admitted = 0;
					failAt.compareAndSet(t, Long.MAX_VALUE);
					continue;
				}
				admitted++;
				permit.recordFailure(new IllegalStateException("down"));
			}
		}

	}

}
