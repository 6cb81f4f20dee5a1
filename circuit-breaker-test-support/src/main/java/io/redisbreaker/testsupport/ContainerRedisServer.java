package io.redisbreaker.testsupport;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/** A Redis server in a Testcontainers container. */
final class ContainerRedisServer extends RedisServer {

	static final String IMAGE_PROPERTY = "redisbreaker.redis.image";
	private static final String DEFAULT_IMAGE = "redis:7.0.15";
	private static final int REDIS_PORT = 6379;

	private final GenericContainer<?> container;
	private final String host;
	private final int port;
	private boolean killed;
	private boolean closed;

	private ContainerRedisServer(GenericContainer<?> container, List<String> extraArgs) {
		super(extraArgs);
		this.container = container;
		this.host = container.getHost();
		this.port = container.getMappedPort(REDIS_PORT);
	}

	static ContainerRedisServer launch(List<String> extraArgs) {
		rejectUnsupported(extraArgs);
		List<String> command = new ArrayList<>(List.of(
				"redis-server", "--save", "", "--appendonly", "no", "--enable-debug-command", "yes",
				// Docker's port forwarding does not come from loopback; protected mode would refuse it.
				"--protected-mode", "no"));
		command.addAll(extraArgs);
		GenericContainer<?> container =
				new GenericContainer<>(DockerImageName.parse(System.getProperty(IMAGE_PROPERTY, DEFAULT_IMAGE)))
						.withExposedPorts(REDIS_PORT)
						.withCommand(command.toArray(String[]::new))
						.waitingFor(Wait.forLogMessage(".*Ready to accept connections.*\\n", 1));
		container.start();
		try {
			return new ContainerRedisServer(container, extraArgs);
		} catch (RuntimeException e) {
			container.stop();
			throw e;
		}
	}

	@Override
	public String host() {
		return host;
	}

	@Override
	public int port() {
		return port;
	}

	@Override
	public void stop() {
		throw unsupported("stop()");
	}

	@Override
	public void start() {
		throw unsupported("start()");
	}

	@Override
	public synchronized void kill() {
		if (!killed && container.isRunning()) {
			container.getDockerClient().killContainerCmd(container.getContainerId()).exec();
		}
		killed = true;
	}

	@Override
	public synchronized boolean isRunning() {
		return !killed && !closed && container.isRunning();
	}

	@Override
	public String logTail(int lines) {
		List<String> all = Arrays.asList(container.getLogs().split("\r?\n"));
		return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
	}

	@Override
	public synchronized void close() {
		if (!closed) {
			closed = true;
			container.stop();
		}
	}

	/**
	 * The first option a container cannot do, or {@code null}: TLS options name certificate files on
	 * the host, which the container cannot read, and a TLS server's port would not be the one mapped.
	 */
	static @Nullable String unsupportedOption(List<String> extraArgs) {
		for (String arg : extraArgs) {
			if (arg.toLowerCase(Locale.ROOT).startsWith("--tls")) {
				return arg;
			}
		}
		return null;
	}

	private static void rejectUnsupported(List<String> extraArgs) {
		String option = unsupportedOption(extraArgs);
		if (option != null) {
			throw new UnsupportedOperationException("Option " + option + " is not supported for a containerized "
					+ "Redis server: its certificate files are on the host and its TLS port is not mapped. Start a "
					+ "process server instead (RedisServer.startProcess, or -D" + MODE_PROPERTY + "=process; needs "
					+ "a redis-server built with TLS on the PATH).");
		}
	}

	private static UnsupportedOperationException unsupported(String operation) {
		return new UnsupportedOperationException(
				operation + " is not supported for a containerized Redis server: Docker would map a "
						+ "different host port after a restart. Run process servers instead with -D"
						+ MODE_PROPERTY + "=process (needs redis-server on the PATH).");
	}
}
