package io.redisbreaker.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * One harness instance ({@link HarnessApplication}) in a JVM process of its own, started from the test
 * class path as {@code FleetHarness} starts its followers, on {@code --server.port=0}; the port is read from
 * the port file the harness writes. Its output goes to {@code target/reliability-logs/<id>.log}. A harness
 * exits by itself when the test JVM is gone ({@code --harness.parent-pid}), and is killed by a shutdown hook
 * when the test JVM exits with it still running.
 */
final class HarnessProcess implements AutoCloseable {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	/** Every harness started and not yet ended: killed at JVM exit if a test could not close it. */
	private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
				"harness-process-reaper"));
	}

	private final String id;

	private final Process process;

	private final Path log;

	private final Path portFile;

	private volatile int port;

	private HarnessProcess(String id, Process process, Path log, Path portFile) {
		this.id = id;
		this.process = process;
		this.log = log;
		this.portFile = portFile;
	}

	/** Starts the process on one Redis server; {@link #awaitReady()} waits for its web server. */
	static HarnessProcess start(String id, String redisHost, int redisPort, List<String> args) {
		return start(id, redisHost, redisPort, args, Map.of());
	}

	/** As {@link #start(String, String, int, List)}, with {@code environment} added to the process's own. */
	static HarnessProcess start(String id, String redisHost, int redisPort, List<String> args,
			Map<String, String> environment) {
		return start(id, List.of("--spring.data.redis.host=" + redisHost, "--spring.data.redis.port=" + redisPort), args,
				environment);
	}

	/**
	 * Starts the process; {@code connectionArgs} say how it reaches Redis, as a user would configure it
	 * ({@code --spring.data.redis.sentinel.nodes=...}, {@code --spring.data.redis.cluster.nodes=...}).
	 */
	static HarnessProcess start(String id, List<String> connectionArgs, List<String> args) {
		return start(id, connectionArgs, args, Map.of());
	}

	private static HarnessProcess start(String id, List<String> connectionArgs, List<String> args,
			Map<String, String> environment) {
		try {
			Path dir = Files.createDirectories(Path.of("target", "reliability-logs"));
			Path log = dir.resolve(id + ".log");
			Path portFile = dir.resolve(id + ".port");
			Files.deleteIfExists(portFile);
			String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
			List<String> command = new ArrayList<>(List.of(java, "-Xmx192m", "-Xss512k", "-XX:+UseSerialGC",
					"-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
					HarnessApplication.class.getName(), "--server.port=0", "--harness.port-file=" + portFile.toAbsolutePath(),
					"--circuitbreaker.instance-id=" + id, "--harness.parent-pid=" + ProcessHandle.current().pid()));
			command.addAll(connectionArgs);
			command.addAll(args);
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
			builder.environment().putAll(environment);
			Process process = builder.start();
			LIVE.add(process);
			process.onExit().thenRun(() -> LIVE.remove(process));
			return new HarnessProcess(id, process, log, portFile);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start harness process " + id, ex);
		}
	}

	/** Waits until the harness listens, failing at once (with its log) if the process died. */
	HarnessProcess awaitReady() {
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		while (!Files.exists(this.portFile)) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("Harness " + this.id + " exited with " + this.process.exitValue()
						+ " before listening:\n" + logTail(40));
			}
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("Harness " + this.id + " did not listen within " + START_TIMEOUT
						+ ":\n" + logTail(40));
			}
			sleep(50);
		}
		try {
			this.port = Integer.parseInt(Files.readString(this.portFile).trim());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return this;
	}

	String id() {
		return this.id;
	}

	long pid() {
		return this.process.pid();
	}

	boolean isAlive() {
		return this.process.isAlive();
	}

	/** GET; the answer's {@code key=value} lines. */
	Map<String, String> get(String path) {
		return parse(send("GET", path, null));
	}

	/** POST; the answer's {@code key=value} lines. */
	Map<String, String> post(String path) {
		return parse(send("POST", path, null));
	}

	/** The body of a request that must answer 200. */
	String send(String method, String path, @Nullable String json) {
		HttpResponse<String> response = exchange(method, path, json);
		if (response.statusCode() != 200) {
			throw new AssertionError(this.id + ": " + method + " " + path + " answered " + response.statusCode()
					+ ": " + response.body());
		}
		return response.body();
	}

	HttpResponse<String> exchange(String method, String path, @Nullable String json) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(90));
		if (json != null) {
			request.header("Content-Type", "application/json");
		}
		request.method(method,
				(json != null) ? HttpRequest.BodyPublishers.ofString(json) : HttpRequest.BodyPublishers.noBody());
		try {
			return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(this.id + ": " + method + " " + path + " failed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** POSTs {@code {"updateState": ...}} to the breaker's actuator endpoint; answers its document. */
	String updateState(String breaker, String state) {
		return send("POST", "/actuator/circuitbreakers/" + breaker, "{\"updateState\":\"" + state + "\"}");
	}

	/** The breaker's actuator document. */
	String actuator(String breaker) {
		return send("GET", "/actuator/circuitbreakers/" + breaker, null);
	}

	static Map<String, String> parse(String body) {
		Map<String, String> values = new LinkedHashMap<>();
		for (String line : body.split("\n")) {
			int eq = line.indexOf('=');
			if (eq > 0) {
				values.put(line.substring(0, eq), line.substring(eq + 1).trim());
			}
		}
		return values;
	}

	String logTail(int lines) {
		try {
			List<String> all = Files.readAllLines(this.log, StandardCharsets.UTF_8);
			return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
		}
		catch (IOException ex) {
			return "(no log: " + ex + ")";
		}
	}

	/** kill -9: no shutdown hook, no flush, nothing reported. */
	void kill() throws InterruptedException {
		this.process.destroyForcibly();
		if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
			throw new IllegalStateException("Harness " + this.id + " survived SIGKILL for 10 s");
		}
	}

	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
				this.process.waitFor(10, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			this.process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public String toString() {
		return this.id + "[pid " + this.process.pid() + ", port " + this.port + "]";
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
