package io.redisbreaker.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/** A {@code redis-server} (or sentinel) child process on a loopback port. */
final class ProcessRedisServer extends RedisServer {

	static final String BINARY_PROPERTY = "redisbreaker.redis.server";

	/** Set to true to keep server directories (data, nodes.conf, logs) after close. */
	static final String KEEP_FILES_PROPERTY = "redisbreaker.redis.keepFiles";

	private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
	private static final int PORT_ATTEMPTS = 5;
	private static final String LOG_FILE = "redis.log";
	private static final String OUTPUT_FILE = "stdout.log";
	private static final String SENTINEL_CONFIG_FILE = "sentinel.conf";

	private static volatile @Nullable Binary binary;

	private final Path dir;
	private final Runnable deleteDir;
	private final List<String> extraArgs;
	private final @Nullable String sentinelConfig;
	private final boolean cluster;
	private int port;
	private int clusterBusPort;
	private @Nullable Process process;
	private boolean closed;

	private ProcessRedisServer(Path dir, List<String> extraArgs, @Nullable String sentinelConfig) {
		super(extraArgs);
		this.dir = dir;
		this.deleteDir = () -> {
			if (!Boolean.getBoolean(KEEP_FILES_PROPERTY)) {
				deleteRecursively(dir);
			}
		};
		ProcessReaper.onExit(deleteDir);
		this.extraArgs = List.copyOf(extraArgs);
		this.sentinelConfig = sentinelConfig;
		this.cluster = "yes".equalsIgnoreCase(optionValue(extraArgs, "--cluster-enabled"));
	}

	/**
	 * Starts a server on a free port, retrying with another port when the chosen one was taken
	 * between probing and binding.
	 *
	 * @param sentinelConfig when not null, the server runs as a sentinel with this configuration
	 *     (sentinels rewrite their config file, so it lives in the server's own directory)
	 */
	static ProcessRedisServer launch(List<String> extraArgs, @Nullable String sentinelConfig) {
		Path dir;
		try {
			dir = Files.createTempDirectory(sentinelConfig == null ? "redis-test-" : "redis-sentinel-");
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		ProcessRedisServer server = new ProcessRedisServer(dir, extraArgs, sentinelConfig);
		try {
			server.startOnFreePort();
			return server;
		} catch (RuntimeException | Error e) {
			server.close();
			throw e;
		}
	}

	@Override
	public String host() {
		return Ports.LOOPBACK;
	}

	@Override
	public synchronized int port() {
		return port;
	}

	/** The server's private directory (working directory, log, cluster nodes.conf). */
	Path dir() {
		return dir;
	}

	int clusterBusPort() {
		return clusterBusPort;
	}

	@Override
	public synchronized boolean isRunning() {
		return process != null && process.isAlive();
	}

	private void startOnFreePort() {
		List<Integer> taken = new ArrayList<>();
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
			synchronized (this) {
				port = Ports.free();
				clusterBusPort = cluster ? Ports.free() : 0;
				writeSentinelConfig();
				if (launchAndAwaitReady(deadline)) {
					return;
				}
				taken.add(port);
			}
		}
		throw new IllegalStateException(
				"redis-server could not bind a free port after " + PORT_ATTEMPTS + " attempts " + taken
						+ "\n" + logTail(20));
	}

	@Override
	public synchronized void start() {
		checkNotClosed();
		if (isRunning()) {
			throw new IllegalStateException(this + " is already running");
		}
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		// The old port can be briefly unavailable (e.g. reused by an outgoing connection); keep it,
		// because "restart on the same port" is the point.
		while (!launchAndAwaitReady(deadline)) {
			if (System.nanoTime() - deadline >= 0) {
				throw new IllegalStateException(
						"Could not restart " + this + ": port " + port + " stayed in use\n" + logTail(20));
			}
			pause(50);
		}
	}

	@Override
	public synchronized void stop() {
		Process p = process;
		if (p == null) {
			return;
		}
		if (p.isAlive()) {
			boolean refused = false;
			try (RespClient client = client(Duration.ofSeconds(2))) {
				client.command("SHUTDOWN", "NOSAVE");
			} catch (RespErrorException e) {
				refused = true; // e.g. NOAUTH: fall back to SIGTERM, which Redis also handles cleanly
			} catch (RuntimeException expected) {
				// Success closes the connection under the client.
			}
			if (refused || !waitFor(p, Duration.ofSeconds(5))) {
				p.destroy();
				if (!waitFor(p, Duration.ofSeconds(3))) {
					p.destroyForcibly();
					waitFor(p, STOP_TIMEOUT);
				}
			}
		}
		forget(p);
		awaitPortClosed();
	}

	@Override
	public synchronized void kill() {
		Process p = process;
		if (p == null) {
			return;
		}
		p.destroyForcibly();
		if (!waitFor(p, STOP_TIMEOUT)) {
			throw new IllegalStateException("redis-server pid " + p.pid() + " survived SIGKILL");
		}
		forget(p);
		awaitPortClosed();
	}

	@Override
	public synchronized void close() {
		if (closed) {
			return;
		}
		closed = true;
		try {
			kill();
		} finally {
			ProcessReaper.cancelOnExit(deleteDir);
			deleteDir.run();
		}
	}

	@Override
	public String logTail(int lines) {
		StringBuilder tail = new StringBuilder();
		for (String name : List.of(LOG_FILE, OUTPUT_FILE)) {
			List<String> content = readLines(dir.resolve(name));
			if (!content.isEmpty()) {
				tail.append("--- ").append(dir.resolve(name)).append(" (last ").append(lines)
						.append(" lines) ---\n");
				content.subList(Math.max(0, content.size() - lines), content.size())
						.forEach(line -> tail.append(line).append('\n'));
			}
		}
		return tail.length() == 0 ? "(no log output in " + dir + ")" : tail.toString();
	}

	/**
	 * Launches the process on {@link #port} and waits until it serves requests.
	 *
	 * @return false if the port was in use (the process has exited), true once ready
	 */
	private boolean launchAndAwaitReady(long deadline) {
		long logOffset = fileSize(dir.resolve(LOG_FILE));
		long outputOffset = fileSize(dir.resolve(OUTPUT_FILE));
		Process p;
		try {
			p = new ProcessBuilder(commandLine())
					.directory(dir.toFile())
					.redirectErrorStream(true)
					.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(OUTPUT_FILE).toFile()))
					.start();
		} catch (IOException e) {
			throw new UncheckedIOException("Cannot start " + binary().path, e);
		}
		ProcessReaper.register(p);
		process = p;
		try {
			p.getOutputStream().close();
		} catch (IOException ignored) {
			// Redis never reads stdin.
		}
		while (true) {
			if (!p.isAlive()) {
				forget(p);
				if (textSince(dir.resolve(LOG_FILE), logOffset).contains("Address already in use")
						|| textSince(dir.resolve(OUTPUT_FILE), outputOffset).contains("Address already in use")) {
					return false;
				}
				throw new IllegalStateException(
						"redis-server exited with code " + p.exitValue() + " while starting on port " + port
								+ "\ncommand: " + commandLine() + "\n" + logTail(30));
			}
			Readiness readiness = probe(p, logOffset);
			if (readiness == Readiness.READY) {
				return true;
			}
			if (readiness == Readiness.FOREIGN) {
				// Another process answers on our port, so ours cannot bind and will exit.
				waitFor(p, Duration.ofSeconds(5));
				p.destroyForcibly();
				waitFor(p, STOP_TIMEOUT);
				forget(p);
				return false;
			}
			if (System.nanoTime() - deadline >= 0) {
				p.destroyForcibly();
				waitFor(p, STOP_TIMEOUT);
				forget(p);
				throw new IllegalStateException(
						"redis-server on port " + port + " was not ready within " + START_TIMEOUT.toSeconds()
								+ " s\n" + logTail(30));
			}
			pause(10);
		}
	}

	private enum Readiness {
		READY,
		NOT_YET,
		FOREIGN
	}

	private Readiness probe(Process p, long logOffset) {
		try (RespClient client = client(Duration.ofSeconds(1))) {
			// INFO's process_id proves the answer comes from our process and not from whatever else
			// might have grabbed the port.
			Map<String, String> info = parseInfo(String.valueOf(client.command("INFO", "server")));
			return String.valueOf(p.pid()).equals(info.get("process_id"))
					? Readiness.READY
					: Readiness.FOREIGN;
		} catch (RespErrorException e) {
			// An error (e.g. NOAUTH from a password we were not told about) hides the process id; then
			// only our own log can say that our process is the one listening.
			String log = textSince(dir.resolve(LOG_FILE), logOffset);
			boolean listening =
					log.contains("Ready to accept connections") || log.contains("Sentinel ID is");
			return listening && !e.getMessage().startsWith("LOADING") && p.isAlive()
					? Readiness.READY
					: Readiness.NOT_YET;
		} catch (UncheckedIOException e) {
			return Readiness.NOT_YET;
		}
	}

	private List<String> commandLine() {
		Binary bin = binary();
		List<String> command = new ArrayList<>();
		command.add(bin.path);
		if (sentinelConfig != null) {
			command.add(dir.resolve(SENTINEL_CONFIG_FILE).toString());
			command.add("--sentinel");
		}
		// Defaults the caller may override with extraArgs.
		command.addAll(List.of("--save", "", "--appendonly", "no"));
		if (sentinelConfig == null) {
			// Redis 7 waits 5 s before a diskless full sync, in case more replicas arrive; tests can't.
			command.addAll(List.of("--repl-diskless-sync-delay", "0"));
		}
		if (bin.majorVersion >= 7) {
			command.addAll(List.of("--enable-debug-command", "yes"));
		}
		command.addAll(extraArgs);
		// Isolation the caller may not override: loopback only, our port, our directory and log. A TLS
		// server listens on our port with TLS only.
		command.addAll(isTls()
				? List.of("--port", "0", "--tls-port", Integer.toString(port))
				: List.of("--port", Integer.toString(port)));
		command.addAll(List.of(
				"--bind", Ports.LOOPBACK,
				"--dir", dir.toString(),
				"--logfile", dir.resolve(LOG_FILE).toString(),
				"--daemonize", "no"));
		if (cluster) {
			command.addAll(List.of(
					"--cluster-config-file", dir.resolve("nodes.conf").toString(),
					"--cluster-port", Integer.toString(clusterBusPort)));
		}
		return command;
	}

	private void writeSentinelConfig() {
		if (sentinelConfig == null) {
			return;
		}
		try {
			Files.writeString(dir.resolve(SENTINEL_CONFIG_FILE), sentinelConfig, StandardCharsets.UTF_8);
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	private void forget(Process p) {
		ProcessReaper.unregister(p);
		if (process == p) {
			process = null;
		}
	}

	/** The kernel closes the listening socket with the process; confirm before callers rely on it. */
	private void awaitPortClosed() {
		long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
		while (Ports.isListening(host(), port)) {
			if (System.nanoTime() - deadline >= 0) {
				throw new IllegalStateException("Port " + port + " still accepts connections after "
						+ this + " exited");
			}
			pause(10);
		}
	}

	private void checkNotClosed() {
		if (closed) {
			throw new IllegalStateException(this + " is closed");
		}
	}

	private static String textSince(Path file, long offset) {
		String text = readText(file);
		return offset <= text.length() ? text.substring((int) offset) : text;
	}

	private static Binary binary() {
		Binary result = binary;
		if (result == null) {
			synchronized (ProcessRedisServer.class) {
				result = binary;
				if (result == null) {
					result = Binary.find();
					binary = result;
				}
			}
		}
		return result;
	}

	private static final class Binary {
		final String path;
		final int majorVersion;

		private Binary(String path, int majorVersion) {
			this.path = path;
			this.majorVersion = majorVersion;
		}

		static Binary find() {
			String configured = System.getProperty(BINARY_PROPERTY);
			String path = configured != null ? configured : searchPath("redis-server");
			if (path == null) {
				throw new IllegalStateException(
						"redis-server not found on the PATH. Install it (e.g. apt-get install redis-server), "
								+ "set -D" + BINARY_PROPERTY + "=/path/to/redis-server, or run a Docker engine "
								+ "for container mode (single servers only).");
			}
			return new Binary(path, majorVersion(path));
		}

		private static @Nullable String searchPath(String name) {
			String pathVariable = System.getenv("PATH");
			List<String> dirs = new ArrayList<>();
			if (pathVariable != null) {
				dirs.addAll(Arrays.asList(pathVariable.split(File.pathSeparator)));
			}
			dirs.addAll(List.of("/usr/bin", "/usr/local/bin", "/opt/homebrew/bin"));
			for (String d : dirs) {
				if (!d.isEmpty()) {
					Path candidate = Path.of(d, name);
					if (Files.isExecutable(candidate)) {
						return candidate.toString();
					}
				}
			}
			return null;
		}

		private static int majorVersion(String path) {
			try {
				Process p = new ProcessBuilder(path, "--version").redirectErrorStream(true).start();
				String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
				p.waitFor(10, TimeUnit.SECONDS);
				Matcher m = Pattern.compile("v=(\\d+)\\.").matcher(output);
				if (m.find()) {
					return Integer.parseInt(m.group(1));
				}
				throw new IllegalStateException("Cannot parse the version of " + path + ": " + output);
			} catch (IOException e) {
				throw new UncheckedIOException("Cannot run " + path + " --version", e);
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(e);
			}
		}
	}

	private static boolean waitFor(Process p, Duration timeout) {
		try {
			return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			p.destroyForcibly();
			throw new IllegalStateException("Interrupted while waiting for redis-server to exit", e);
		}
	}

	static void pause(long millis) {
		try {
			Thread.sleep(millis);
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", e);
		}
	}

	private static long fileSize(Path file) {
		try {
			return Files.exists(file) ? Files.size(file) : 0;
		} catch (IOException e) {
			return 0;
		}
	}

	private static String readText(Path file) {
		try {
			return Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
		} catch (IOException e) {
			return "";
		}
	}

	private static List<String> readLines(Path file) {
		String text = readText(file);
		return text.isEmpty() ? List.of() : Arrays.asList(text.split("\r?\n"));
	}

	static void deleteRecursively(Path root) {
		if (!Files.exists(root)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(root)) {
			paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
		} catch (IOException | UncheckedIOException ignored) {
			// A leftover temp directory is harmless.
		}
	}
}
