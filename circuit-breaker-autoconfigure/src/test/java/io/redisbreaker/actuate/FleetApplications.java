package io.redisbreaker.actuate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.PathNotFoundException;
import io.redisbreaker.annotation.CircuitProtected;
import io.redisbreaker.core.CircuitBreakerOpenException;
import io.redisbreaker.testsupport.Await;
import io.redisbreaker.testsupport.RedisServer;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Instances of a small web application with the starter's auto-configuration and Actuator, sharing one
 * Redis: what a user runs. {@code GET /tickers/{exchange}/{region}?fail=true} calls a method protected by
 * the breaker {@code <exchange>/<region>/ticker}; 503 means the breaker rejected the call.
 */
final class FleetApplications implements AutoCloseable {

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final List<ConfigurableApplicationContext> started = new ArrayList<>();

	private final RedisServer server;

	FleetApplications(RedisServer server) {
		this.server = server;
	}

	/** Starts an instance with the common settings and these extra {@code --name=value} ones. */
	Instance start(String instanceId, String... properties) {
		List<String> args = new ArrayList<>(List.of("--spring.data.redis.host=" + this.server.host(),
				"--spring.data.redis.port=" + this.server.port(), "--server.port=0", "--spring.main.banner-mode=off",
				"--circuitbreaker.instance-id=" + instanceId, "--circuitbreaker.redis-timeout=5s",
				"--circuitbreaker.defaults.failure-threshold=2", "--circuitbreaker.metrics.refresh-interval=200ms",
				"--management.endpoints.web.exposure.include=circuitbreakers,circuitbreakerevents,health,prometheus",
				"--management.endpoint.health.show-details=always"));
		for (String property : properties) {
			args.add("--" + property);
		}
		SpringApplication application = new SpringApplication(App.class);
		// Boot's logging system would reconfigure Logback for the whole test JVM, and the tests that run
		// after these would no longer see the log output they capture: keep the test's own logging.
		String before = System.setProperty(LoggingSystem.SYSTEM_PROPERTY, LoggingSystem.NONE);
		ConfigurableApplicationContext context;
		try {
			context = application.run(args.toArray(String[]::new));
		}
		finally {
			if (before != null) {
				System.setProperty(LoggingSystem.SYSTEM_PROPERTY, before);
			}
			else {
				System.clearProperty(LoggingSystem.SYSTEM_PROPERTY);
			}
		}
		this.started.add(context);
		return new Instance(context);
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

		HttpResponse<String> get(String path) {
			return send(HttpRequest.newBuilder(uri(path)).GET());
		}

		HttpResponse<String> post(String path, String json) {
			return send(HttpRequest.newBuilder(uri(path))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(json)));
		}

		HttpResponse<String> delete(String path) {
			return send(HttpRequest.newBuilder(uri(path)).DELETE());
		}

		/** Polls {@code path} until it answers {@code status} with a body {@code accept} takes; returns that body. */
		String await(String path, int status, Predicate<String> accept) {
			String[] body = new String[1];
			Await.until(Duration.ofSeconds(15), () -> {
				HttpResponse<String> response = get(path);
				body[0] = response.body();
				return response.statusCode() == status && accept.test(response.body());
			}, path + " to answer " + status + " as expected");
			return body[0];
		}

		/** Calls the protected ticker method over HTTP; the status says what happened. */
		int ticker(String exchange, String region, boolean fail) {
			return get("/tickers/" + exchange + "/" + region + "?fail=" + fail).statusCode();
		}

		private URI uri(String path) {
			return URI.create("http://127.0.0.1:" + port() + path);
		}

		private static HttpResponse<String> send(HttpRequest.Builder request) {
			try {
				return http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
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

	/** The value at a JSON path, or {@code null} where the document has none. */
	static <T> @Nullable T read(String json, String path) {
		try {
			return JsonPath.read(json, path);
		}
		catch (PathNotFoundException ex) {
			return null;
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

		@Bean
		TickerService tickerService() {
			return new TickerService();
		}

		@Bean
		TickerController tickerController(TickerService service) {
			return new TickerController(service);
		}

	}

	static class TickerService {

		@CircuitProtected(name = "#{#exchange}/#{#region}/ticker")
		public String ticker(String exchange, String region, boolean fail) {
			if (fail) {
				throw new IllegalStateException("exchange " + exchange + " is down");
			}
			return exchange + " " + region + " 100";
		}

	}

	@RestController
	static class TickerController {

		private final TickerService service;

		TickerController(TickerService service) {
			this.service = service;
		}

		@GetMapping("/tickers/{exchange}/{region}")
		String ticker(@PathVariable String exchange, @PathVariable String region, @RequestParam boolean fail) {
			return this.service.ticker(exchange, region, fail);
		}

		@ExceptionHandler(CircuitBreakerOpenException.class)
		ResponseEntity<String> rejected(CircuitBreakerOpenException ex) {
			return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(ex.getMessage());
		}

		@ExceptionHandler(IllegalStateException.class)
		ResponseEntity<String> failed(IllegalStateException ex) {
			return ResponseEntity.status(HttpStatus.BAD_GATEWAY).body(ex.getMessage());
		}

	}

}
