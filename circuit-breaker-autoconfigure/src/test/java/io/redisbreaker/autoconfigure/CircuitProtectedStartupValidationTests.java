package io.redisbreaker.autoconfigure;

import java.time.Duration;

import io.redisbreaker.annotation.CircuitProtected;
import io.redisbreaker.core.CircuitBreakerRegistry;
import io.redisbreaker.testsupport.Await;
import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.WithRedisServer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static io.redisbreaker.autoconfigure.BreakerTestContexts.messages;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mistakes in {@code @CircuitProtected} fail the application context at startup, with a message that
 * says where the mistake is, instead of failing the first call during an outage.
 */
@WithRedisServer
class CircuitProtectedStartupValidationTests {

	private final RedisServer server;

	private final ApplicationContextRunner runner;

	CircuitProtectedStartupValidationTests(RedisServer server) {
		this.server = server;
		this.runner = BreakerTestContexts.runner(server)
			.withPropertyValues("circuitbreaker.instances.shared.failure-threshold=3");
	}

	@Test
	void validAnnotationsStartAndLiteralBreakersAreRegisteredRightAway() {
		this.runner.withBean(ValidService.class).run((context) -> {
			assertThat(context).hasNotFailed();
			CircuitBreakerRegistry registry = context.getBean(CircuitBreakerRegistry.class);
			// Listed before their first call: literal names at once, computed names only once called.
			assertThat(registry.find("valid/literal")).isPresent();
			assertThat(registry.find("valid/configured")).isPresent();
			assertThat(registry.find("valid/configured").get().getConfig().getFailureThreshold()).isEqualTo(3);
			assertThat(registry.getAllCircuitBreakers()).hasSize(2);
			Await.until(Duration.ofSeconds(10),
					() -> this.server.command("ZSCORE", "cb:index", "valid/literal") != null,
					"the literal breaker to be listed in the shared index");
		});
	}

	@Test
	void missingFallbackMethodNamesClassMethodAndFallback() {
		this.runner.withBean(MissingFallbackService.class).run((context) -> {
			assertThat(context).hasFailed();
			Throwable failure = context.getStartupFailure();
			assertThat(failure).isInstanceOf(BeanCreationException.class);
			assertThat(messages(failure)).contains(
					"No fallback method 'noSuchFallback' for @CircuitProtected method "
							+ MissingFallbackService.class.getName() + "#fetch(String)",
					"expected String noSuchFallback(String, Throwable)");
			assertThat(failure).rootCause().isInstanceOf(IllegalStateException.class);
		});
	}

	@Test
	void fallbackWithTheWrongReturnTypeIsRejected() {
		this.runner.withBean(WrongReturnTypeService.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(messages(context.getStartupFailure())).contains(
					"No fallback method 'fallback' for @CircuitProtected method "
							+ WrongReturnTypeService.class.getName() + "#fetch(String)",
					"fallback(String, Exception) but returns Integer, expected String or a subtype");
		});
	}

	@Test
	void invalidLiteralNameIsRejected() {
		this.runner.withBean(InvalidNameService.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(messages(context.getStartupFailure())).contains(
					"Invalid @CircuitProtected on " + InvalidNameService.class.getName() + ".fetch",
					"Circuit breaker name 'bad name' has ' ' at position 3");
		});
	}

	@Test
	void expressionReferringToAnUnknownParameterIsRejected() {
		this.runner.withBean(UnknownVariableService.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(messages(context.getStartupFailure())).contains(
					"Circuit name expression '#{#exchnge}/ticker' on " + UnknownVariableService.class.getName()
							+ "#fetch(String, String)",
					"refers to unknown variable #exchnge", "expected one of #exchange, #region");
		});
	}

	@Test
	void configurationWithoutAnInstancesEntryIsRejected() {
		this.runner.withBean(MissingConfigurationService.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(messages(context.getStartupFailure())).contains(
					"Invalid @CircuitProtected on " + MissingConfigurationService.class.getName() + ".fetch",
					"No circuit breaker configuration named 'nope'; configured names are [shared]");
		});
	}

	@Test
	void configurationWithoutAnInstancesEntryIsRejectedForComputedNamesToo() {
		this.runner.withBean(MissingConfigurationForExpressionService.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(messages(context.getStartupFailure()))
				.contains("No circuit breaker configuration named 'nope'");
		});
	}

	static class ValidService {

		@CircuitProtected(name = "valid/literal", fallbackMethod = "fallback")
		public String literal(String symbol) {
			return symbol;
		}

		@CircuitProtected(name = "valid/configured", configuration = "shared")
		public String configured(String symbol) {
			return symbol;
		}

		@CircuitProtected(name = "#{#symbol}/computed", configuration = "shared")
		public String computed(String symbol) {
			return symbol;
		}

		String fallback(String symbol, Exception ex) {
			return "fallback";
		}

	}

	static class MissingFallbackService {

		@CircuitProtected(name = "validation/missing-fallback", fallbackMethod = "noSuchFallback")
		public String fetch(String symbol) {
			return symbol;
		}

	}

	static class WrongReturnTypeService {

		@CircuitProtected(name = "validation/wrong-return", fallbackMethod = "fallback")
		public String fetch(String symbol) {
			return symbol;
		}

		Integer fallback(String symbol, Exception ex) {
			return 0;
		}

	}

	static class InvalidNameService {

		@CircuitProtected(name = "bad name")
		public String fetch(String symbol) {
			return symbol;
		}

	}

	static class UnknownVariableService {

		@CircuitProtected(name = "#{#exchnge}/ticker")
		public String fetch(String exchange, String region) {
			return exchange;
		}

	}

	static class MissingConfigurationService {

		@CircuitProtected(name = "validation/missing-configuration", configuration = "nope")
		public String fetch(String symbol) {
			return symbol;
		}

	}

	static class MissingConfigurationForExpressionService {

		@CircuitProtected(name = "#{#symbol}/missing-configuration", configuration = "nope")
		public String fetch(String symbol) {
			return symbol;
		}

	}

}
