package io.redisbreaker.testsupport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLSocketFactory;
import org.jspecify.annotations.Nullable;

/**
 * One real Redis server for a test.
 *
 * <p>Every server runs without persistence ({@code --save "" --appendonly no}) and with {@code
 * DEBUG} enabled. Process servers listen on a free port of {@code 127.0.0.1} (never 6379), keep
 * their files and log in a private temporary directory, and can be stopped, restarted on the same
 * port and killed. Container servers (used when a Docker engine is available) support neither
 * {@link #stop()} nor {@link #start()}, because Docker would map a different host port after a
 * restart.
 *
 * <p>Mode selection for {@link #launch}: system property {@code redisbreaker.redis.mode} = {@code
 * auto} (default: container when Docker is available, process otherwise, and always a process for
 * TLS, which containers cannot do), {@code process} or {@code container}. See {@link #startProcess}
 * and {@link #startContainer} for the other knobs.
 */
public abstract class RedisServer implements AutoCloseable {

	/** System property selecting how {@link #launch} runs servers: auto, process or container. */
	public static final String MODE_PROPERTY = "redisbreaker.redis.mode";

	private final @Nullable String password;

	private final @Nullable SSLSocketFactory tls;

	RedisServer(List<String> extraArgs) {
		this.password = optionValue(extraArgs, "--requirepass");
		this.tls = adminTls(extraArgs);
	}

	/** Options for a server with a password, ACL users or TLS; see {@link RedisServerOptions}. */
	public static RedisServerOptions options() {
		return new RedisServerOptions();
	}

	/**
	 * Starts a server, in a container when Docker is available and as a process otherwise (see
	 * {@link #MODE_PROPERTY}).
	 *
	 * @param extraArgs extra {@code redis-server} arguments, e.g. {@code "--requirepass", "secret"}
	 */
	public static RedisServer launch(String... extraArgs) {
		String mode = System.getProperty(MODE_PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
		switch (mode) {
			case "process":
				return startProcess(extraArgs);
			case "container":
				return startContainer(extraArgs);
			case "auto":
				// Containers cannot do TLS (see ContainerRedisServer): such a server is a process.
				return DockerProbe.isDockerAvailable()
								&& ContainerRedisServer.unsupportedOption(Arrays.asList(extraArgs)) == null
						? startContainer(extraArgs)
						: startProcess(extraArgs);
			default:
				throw new IllegalArgumentException(
						MODE_PROPERTY + " must be auto, process or container, not '" + mode + "'");
		}
	}

	/**
	 * Same as {@link #launch}, named as in the original design. Note that {@code
	 * RedisServer.start()} without arguments does not compile (it names the instance method {@link
	 * #start()}); use {@link #launch(String...)} then.
	 */
	public static RedisServer start(String... extraArgs) {
		return launch(extraArgs);
	}

	/**
	 * Starts a {@code redis-server} process. The binary is the system property {@code
	 * redisbreaker.redis.server} if set, else {@code redis-server} from the {@code PATH}.
	 */
	public static RedisServer startProcess(String... extraArgs) {
		return ProcessRedisServer.launch(Arrays.asList(extraArgs), null);
	}

	/**
	 * Starts a Testcontainers container; the image is the system property {@code
	 * redisbreaker.redis.image} if set, else {@code redis:7.0.15}.
	 */
	public static RedisServer startContainer(String... extraArgs) {
		return ContainerRedisServer.launch(Arrays.asList(extraArgs));
	}

	/** The host to connect to: {@code 127.0.0.1} for processes, Docker's host for containers. */
	public abstract String host();

	public abstract int port();

	/**
	 * {@code redis://host:port} ({@code rediss://} over TLS), without credentials even if the server
	 * requires a password.
	 */
	public String uri() {
		return (isTls() ? "rediss://" : "redis://") + host() + ":" + port();
	}

	/** Whether the server accepts TLS connections only ({@code tls-port}, and {@code port 0}). */
	public boolean isTls() {
		return tls != null;
	}

	/** The {@code --requirepass} value the server was started with, if any. */
	public @Nullable String password() {
		return password;
	}

	/**
	 * A new client, already authenticated when the server was started with a password, over TLS when
	 * the server requires it (presenting a client certificate when the server asks for one).
	 */
	public RespClient client() {
		return client(RespClient.DEFAULT_TIMEOUT);
	}

	/** A new client authenticated as the ACL user {@code username}, over TLS when the server requires it. */
	public RespClient client(String username, String password) {
		return new RespClient(host(), port(), username, password, RespClient.DEFAULT_TIMEOUT, tls);
	}

	RespClient client(Duration timeout) {
		return new RespClient(host(), port(), null, password, timeout, tls);
	}

	/** Runs one command on a new connection (authenticated as {@link #client()} is). */
	public @Nullable Object command(String... args) {
		try (RespClient client = client()) {
			return client.command(args);
		}
	}

	/** {@code INFO section} parsed into field/value pairs. */
	public Map<String, String> info(String section) {
		try (RespClient client = client()) {
			return parseInfo(String.valueOf(client.command("INFO", section)));
		}
	}

	/** The first element of {@code ROLE}: {@code master}, {@code slave} or {@code sentinel}. */
	public String role() {
		Object reply = command("ROLE");
		if (reply instanceof List<?> list && !list.isEmpty()) {
			return String.valueOf(list.get(0));
		}
		throw new IllegalStateException("Unexpected ROLE reply from " + this + ": " + reply);
	}

	/**
	 * Shuts the server down with {@code SHUTDOWN NOSAVE} and waits until its port is closed. Does
	 * nothing if it is not running. Process servers only.
	 */
	public abstract void stop();

	/**
	 * Restarts a stopped or killed server on the same port and waits until it answers {@code PING}.
	 * Process servers only.
	 *
	 * @throws IllegalStateException if it is running
	 */
	public abstract void start();

	/** Kills the server with SIGKILL: no shutdown, clients see the connection drop. */
	public abstract void kill();

	public abstract boolean isRunning();

	/** The last lines of the server's log, to explain a failure. */
	public abstract String logTail(int lines);

	/** Kills the server if it runs and releases its resources. Idempotent. */
	@Override
	public abstract void close();

	@Override
	public String toString() {
		return getClass().getSimpleName() + "[" + host() + ":" + port() + "]";
	}

	static Map<String, String> parseInfo(String info) {
		Map<String, String> fields = new LinkedHashMap<>();
		for (String line : info.split("\r?\n")) {
			int colon = line.indexOf(':');
			if (colon > 0 && !line.startsWith("#")) {
				fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
			}
		}
		return fields;
	}

	/**
	 * How this support's own clients reach a TLS server: trusting its {@code --tls-ca-cert-file} and,
	 * unless {@code --tls-auth-clients no}, presenting {@code --tls-client-cert-file} or else the
	 * server's own certificate (as Redis itself does for replication). {@code null} without TLS.
	 */
	private static @Nullable SSLSocketFactory adminTls(List<String> args) {
		String certificate = optionValue(args, "--tls-cert-file");
		if (certificate == null) {
			return null;
		}
		String key = optionValue(args, "--tls-key-file");
		String ca = optionValue(args, "--tls-ca-cert-file");
		if (key == null || ca == null) {
			throw new IllegalArgumentException("--tls-cert-file " + certificate + " needs --tls-key-file and "
					+ "--tls-ca-cert-file too (key: " + key + ", CA: " + ca + "); see RedisServerOptions.tls");
		}
		String authClients = optionValue(args, "--tls-auth-clients");
		if ("no".equalsIgnoreCase(authClients)) {
			return Pem.clientContext(Path.of(ca), null, null).getSocketFactory();
		}
		String clientCertificate = optionValue(args, "--tls-client-cert-file");
		String clientKey = optionValue(args, "--tls-client-key-file");
		return Pem.clientContext(Path.of(ca), Path.of(clientCertificate != null ? clientCertificate : certificate),
				Path.of(clientKey != null ? clientKey : key)).getSocketFactory();
	}

	static @Nullable String optionValue(List<String> args, String option) {
		String value = null;
		for (int i = 0; i < args.size() - 1; i++) {
			if (args.get(i).equalsIgnoreCase(option)) {
				value = args.get(i + 1);
			}
		}
		return value;
	}
}
