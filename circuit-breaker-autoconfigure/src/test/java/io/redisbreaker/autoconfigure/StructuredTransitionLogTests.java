package io.redisbreaker.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.stream.Stream;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import io.redisbreaker.core.CircuitBreaker;
import io.redisbreaker.core.CircuitBreakerOpenException;
import io.redisbreaker.core.CircuitBreakerRegistry;
import io.redisbreaker.testsupport.Await;
import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.WithRedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Under Spring Boot's structured console logging each transition line carries the breaker's name and
 * its new state as JSON fields of their own, {@code circuit_breaker_key} and {@code circuit_state},
 * next to the format's own level and logger fields. The application is started with
 * {@link SpringApplication}, so that Boot's logging system really configures the structured format.
 */
@WithRedisServer
@ExtendWith(OutputCaptureExtension.class)
class StructuredTransitionLogTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final String BREAKER = "logs/payments";

	private final Properties systemProperties = new Properties();

	@BeforeEach
	void rememberSystemProperties() {
		this.systemProperties.putAll(System.getProperties());
	}

	/**
	 * Undoes what Boot's logging system did to this JVM, for the tests that run in it after this one:
	 * Logback goes back to its own default configuration, and the system properties Boot set (among
	 * them {@code CONSOLE_LOG_STRUCTURED_FORMAT}, which a later application would log with) go away.
	 */
	@AfterEach
	void restoreLogging() throws Exception {
		for (String name : System.getProperties().stringPropertyNames()) {
			if (!this.systemProperties.containsKey(name)) {
				System.clearProperty(name);
			}
		}
		System.getProperties().putAll(this.systemProperties);
		LoggerContext logback = (LoggerContext) LoggerFactory.getILoggerFactory();
		logback.reset();
		new ContextInitializer(logback).autoConfig();
	}

	/** Each format, with where it puts the level and the logger name (ECS nests them under "log"). */
	static Stream<Arguments> formats() {
		return Stream.of(Arguments.of("ecs", "$.log.level", "$.log.logger"),
				Arguments.of("logstash", "$.level", "$.logger_name"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("formats")
	void eachTransitionLineCarriesTheBreakerAndItsNewStateAsFields(String format, String level, String logger,
			RedisServer server, CapturedOutput output) {
		try (ConfigurableApplicationContext context = start(server, format)) {
			CircuitBreaker breaker = context.getBean(CircuitBreakerRegistry.class).circuitBreaker(BREAKER);
			for (int i = 0; i < 2; i++) {
				assertThatIllegalStateException().isThrownBy(() -> breaker.executeSupplier(() -> {
					throw new IllegalStateException("payments down");
				}));
			}
			// The outcome that opened the breaker is logged on another thread, after the call returned.
			DocumentContext opened = awaitLine(output, "Circuit logs/payments: CLOSED → OPEN (failures: 2/2)");
			assertTransitionLine(opened, level, logger, "ERROR", "OPEN");

			// After the 200 ms open timeout one successful trial call closes it again.
			Await.until(WAIT, () -> succeeds(breaker), "a trial call to be permitted");
			assertTransitionLine(awaitLine(output, "Circuit logs/payments: OPEN → HALF_OPEN ("), level, logger, "INFO",
					"HALF_OPEN");
			assertTransitionLine(awaitLine(output, "Circuit logs/payments: HALF_OPEN → CLOSED (trial successes: 1/1)"),
					level, logger, "INFO", "CLOSED");
		}
	}

	private static void assertTransitionLine(DocumentContext line, String level, String logger, String expectedLevel,
			String expectedState) {
		assertThat(line.<String>read(level)).as("level").isEqualTo(expectedLevel);
		assertThat(line.<String>read(logger)).as("logger").isEqualTo("io.redisbreaker.transitions");
		Map<String, Object> fields = line.json();
		assertThat(fields).as(line.jsonString())
			.containsEntry("circuit_breaker_key", BREAKER)
			.containsEntry("circuit_state", expectedState);
	}

	private static boolean succeeds(CircuitBreaker breaker) {
		try {
			return "paid".equals(breaker.executeSupplier(() -> "paid"));
		}
		catch (CircuitBreakerOpenException ex) {
			return false;
		}
	}

	/** Waits for the JSON line whose {@code message} starts with {@code message}. */
	private static DocumentContext awaitLine(CapturedOutput output, String message) {
		return Await.value(WAIT, () -> jsonLine(output, message), Objects::nonNull,
				"a JSON line with message '" + message + "'");
	}

	/** Throws, with the output so far (which a timeout then reports as its cause), until it finds one. */
	private static DocumentContext jsonLine(CapturedOutput output, String message) {
		String out = output.getOut();
		return out.lines()
			.filter((line) -> line.startsWith("{"))
			.map(JsonPath::parse)
			.filter((json) -> String.valueOf(json.<Map<String, Object>>json().get("message")).startsWith(message))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No JSON line with message '" + message + "' in:\n" + out));
	}

	private static ConfigurableApplicationContext start(RedisServer server, String format) {
		List<String> properties = new ArrayList<>(List.of(BreakerTestContexts.redisProperties(server)));
		properties.addAll(List.of("logging.structured.format.console=" + format,
				"circuitbreaker.instances[" + BREAKER + "].failure-threshold=2",
				"circuitbreaker.instances[" + BREAKER + "].open-timeout=200ms",
				"circuitbreaker.instances[" + BREAKER + "].success-threshold=1",
				"circuitbreaker.instances[" + BREAKER + "].half-open-max-calls=1"));
		SpringApplication application = new SpringApplication(Application.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		return application.run(properties.stream().map((property) -> "--" + property).toArray(String[]::new));
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataRedisAutoConfiguration.class, CircuitBreakerAutoConfiguration.class })
	static class Application {

	}

}
