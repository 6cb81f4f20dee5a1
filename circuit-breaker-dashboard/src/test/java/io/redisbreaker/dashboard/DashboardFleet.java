package io.redisbreaker.dashboard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.redisbreaker.dashboard.testapp.DashboardTestApplication;
import io.redisbreaker.testsupport.RedisServer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Instances of {@link DashboardTestApplication} sharing one Redis, on random ports, with the dashboard
 * enabled and the circuitbreakers endpoint writable unless a test says otherwise.
 */
final class DashboardFleet implements AutoCloseable {

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final List<ConfigurableApplicationContext> started = new ArrayList<>();

	private final RedisServer server;

	DashboardFleet(RedisServer server) {
		this.server = server;
	}

	/** Starts an instance with the common settings, then these {@code name=value} ones. */
	Instance start(String instanceId, String... properties) {
		Map<String, String> settings = new LinkedHashMap<>();
		for (String property : List.of("spring.data.redis.host=" + this.server.host(),
				"spring.data.redis.port=" + this.server.port(), "server.port=0", "server.address=127.0.0.1",
				"spring.main.banner-mode=off", "circuitbreaker.instance-id=" + instanceId,
				"circuitbreaker.redis-timeout=5s", "circuitbreaker.redis-slow-threshold=2s",
				"circuitbreaker.defaults.failure-threshold=2", "circuitbreaker.defaults.minimum-calls=4",
				"circuitbreaker.defaults.open-timeout=45s",
				"management.endpoints.web.exposure.include=circuitbreakers,circuitbreakerevents,health",
				"management.endpoint.circuitbreakers.access=unrestricted", "circuitbreaker.dashboard.enabled=true")) {
			put(settings, property);
		}
		for (String property : properties) {
			put(settings, property);
		}
		List<String> args = new ArrayList<>();
		settings.forEach((name, value) -> args.add("--" + name + "=" + value));
		SpringApplication application = new SpringApplication(DashboardTestApplication.class);
		// Keep the test JVM's logging as it is (Boot's logging system would reconfigure Logback).
		String before = System.setProperty(LoggingSystem.SYSTEM_PROPERTY, LoggingSystem.NONE);
		try {
			ConfigurableApplicationContext context = application.run(args.toArray(String[]::new));
			this.started.add(context);
			return new Instance(context);
		}
		finally {
			if (before != null) {
				System.setProperty(LoggingSystem.SYSTEM_PROPERTY, before);
			}
			else {
				System.clearProperty(LoggingSystem.SYSTEM_PROPERTY);
			}
		}
	}

	private static void put(Map<String, String> settings, String property) {
		int equals = property.indexOf('=');
		settings.put(property.substring(0, equals), property.substring(equals + 1));
	}

	@Override
	public void close() {
		this.started.forEach(ConfigurableApplicationContext::close);
	}

	/** One running instance. */
	record Instance(ConfigurableApplicationContext context) {

		int port() {
			return ((WebServerApplicationContext) this.context).getWebServer().getPort();
		}

		String url(String path) {
			return "http://127.0.0.1:" + port() + path;
		}

		String contextPath() {
			return this.context.getEnvironment().getProperty("server.servlet.context-path", "");
		}

		/** Makes the upstream of one exchange fail, or work again. */
		void upstreamFails(String exchange, boolean fail) {
			this.context.getBean(DashboardTestApplication.Upstream.class).fail(exchange, fail);
		}

		/** Calls the protected ticker method over HTTP: 200, 502 (failed) or 503 (rejected). */
		int ticker(String exchange, String region) {
			try {
				HttpRequest request = HttpRequest.newBuilder(URI.create(url(contextPath() + "/tickers/" + exchange + "/" + region)))
					.timeout(Duration.ofSeconds(20))
					.GET()
					.build();
				return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}

	}

}
