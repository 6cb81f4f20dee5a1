package io.redisbreaker.autoconfigure;

import java.util.List;

import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.WithRedisServer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.core.env.Environment;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.ArgumentResolver;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Invalid breaker settings are reported like Spring Boot's own configuration mistakes: property, value
 * and expectation, then what to change, found wherever the exception sits in the cause chain.
 */
@WithRedisServer
class CircuitBreakerFailureAnalyzerTests {

	private final ApplicationContextRunner runner;

	CircuitBreakerFailureAnalyzerTests(RedisServer server) {
		this.runner = BreakerTestContexts.runner(server);
	}

	@Test
	void isRegisteredAsASpringBootFailureAnalyzer() {
		// Boot's own analyzers want more than a test can offer; only ours matters here.
		List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation()
			.load(FailureAnalyzer.class, ArgumentResolver.of(Environment.class, new StandardEnvironment()),
					FailureHandler.handleMessage((message, failure) -> {
					}));
		assertThat(analyzers).hasAtLeastOneElementOfType(CircuitBreakerFailureAnalyzer.class);
	}

	@Test
	void invalidBreakerSettingIsDescribedWithPropertyValueOriginAndExpectation() {
		StandardEnvironment environment = new StandardEnvironment();
		TestPropertyValues.of("circuitbreaker.instances[upbit/kr/ticker].failure-threshold=0")
			.applyTo(environment, TestPropertyValues.Type.MAP, "test");
		CircuitBreakerProperties properties = Binder.get(environment)
			.bindOrCreate("circuitbreaker", CircuitBreakerProperties.class);
		Throwable failure = catchThrowable(properties::toConfigs);

		FailureAnalysis analysis = new CircuitBreakerFailureAnalyzer(environment)
			.analyze(new IllegalStateException("Failed to instantiate the registry", failure));
		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription()).isEqualTo("""
				Invalid circuit breaker configuration:

				    Property: circuitbreaker.instances[upbit/kr/ticker].failure-threshold
				    Value: "0"
				    Origin: "circuitbreaker.instances[upbit/kr/ticker].failure-threshold" from property source "test"
				    Expected: at least 1""");
		assertThat(analysis.getAction()).isEqualTo(
				"Change circuitbreaker.instances[upbit/kr/ticker].failure-threshold to a value that is at least 1.");
		assertThat(analysis.getCause()).isSameAs(failure);
	}

	@Test
	void findsTheInvalidSettingDeepInAFailedStartup() {
		this.runner.withPropertyValues("circuitbreaker.defaults.slow-call-rate-threshold=120").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new CircuitBreakerFailureAnalyzer(null).analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("Property: circuitbreaker.defaults.slow-call-rate-threshold",
					"Value: \"120\"", "Expected: a percentage above 0 and at most 100");
		});
	}

	@Test
	void keyTtlShorterThanABreakerNeedsNamesBothPropertiesAndHowToFixIt() {
		this.runner.withPropertyValues("circuitbreaker.key-ttl=10m", "circuitbreaker.defaults.sliding-window=15m")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new CircuitBreakerFailureAnalyzer(null).analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("Property: circuitbreaker.key-ttl", "Value: \"10m\"",
						"Expected: at least circuitbreaker.defaults.sliding-window (15m)");
				assertThat(analysis.getAction()).isEqualTo("Set circuitbreaker.key-ttl to at least 15m, or lower "
						+ "circuitbreaker.defaults.sliding-window: a breaker's Redis keys must outlive its sliding-window, "
						+ "its half-open-permit-lease and its longest open time.");
			});
	}

	@Test
	void otherFailuresAreLeftToOtherAnalyzers() {
		assertThat(new CircuitBreakerFailureAnalyzer(null).analyze(new IllegalStateException("unrelated"))).isNull();
	}

}
