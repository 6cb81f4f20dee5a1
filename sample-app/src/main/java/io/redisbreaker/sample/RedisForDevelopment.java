package io.redisbreaker.sample;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.ClassUtils;

/**
 * Finds the sample a Redis, so that its run command works on a fresh clone: the configured Redis when
 * it answers; else, when a Docker engine runs, the one in {@code compose.yaml}, started through
 * Spring Boot's Docker Compose support; else none, said once in the log: the breakers then decide on
 * this instance's own fallback ({@code circuitbreaker.redis-failure-policy: local}) and follow the
 * shared state as soon as Redis answers at the configured address.
 * <p>
 * Runs only when {@code spring.docker.compose.enabled} is not set, so a setting always wins.
 */
class RedisForDevelopment implements EnvironmentPostProcessor, Ordered {

	private static final String ENABLED = "spring.docker.compose.enabled";

	private static final String COMPOSE_SUPPORT = "org.springframework.boot.docker.compose.lifecycle.DockerComposeLifecycleManager";

	private final Log logger;

	RedisForDevelopment(DeferredLogFactory logs) {
		this.logger = logs.getLog(RedisForDevelopment.class);
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (environment.containsProperty(ENABLED)) {
			return;
		}
		String host = environment.getProperty("spring.data.redis.host", "localhost");
		int port = environment.getProperty("spring.data.redis.port", Integer.class, 6379);
		if (answers(host, port)) {
			set(environment, Map.of(ENABLED, "false"));
			return;
		}
		Path compose = composeFile();
		if (compose != null && ClassUtils.isPresent(COMPOSE_SUPPORT, getClass().getClassLoader()) && dockerRuns()) {
			this.logger.info("No Redis answers at " + host + ":" + port + "; starting the one in " + compose
					+ " with Docker Compose");
			set(environment, Map.of(ENABLED, "true", "spring.docker.compose.file", compose.toString()));
			return;
		}
		set(environment, Map.of(ENABLED, "false"));
		this.logger.warn("No Redis answers at " + host + ":" + port + " and no Docker engine runs here, so the "
				+ "circuit breakers start on this instance's own fallback: each instance decides alone. They "
				+ "follow the shared state in Redis as soon as one answers at " + host + ":" + port
				+ " (redis-server --port " + port + ", or set spring.data.redis.host and port).");
	}

	private static boolean answers(String host, int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host, port), 500);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/** {@code compose.yaml} of the sample, run from the repository or from the module's directory. */
	private static @Nullable Path composeFile() {
		for (Path candidate : new Path[] { Path.of("sample-app", "compose.yaml"), Path.of("compose.yaml") }) {
			if (Files.isRegularFile(candidate)) {
				return candidate.toAbsolutePath();
			}
		}
		return null;
	}

	private static boolean dockerRuns() {
		try {
			Process info = new ProcessBuilder("docker", "info").redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			if (!info.waitFor(5, TimeUnit.SECONDS)) {
				info.destroyForcibly();
				return false;
			}
			return info.exitValue() == 0;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private static void set(ConfigurableEnvironment environment, Map<String, Object> properties) {
		environment.getPropertySources().addLast(new MapPropertySource("redisForDevelopment", properties));
	}

	@Override
	public int getOrder() {
		// After the configuration files are read, so spring.data.redis.* and the setting are known.
		return Ordered.LOWEST_PRECEDENCE;
	}

}
