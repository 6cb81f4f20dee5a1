package io.redisbreaker.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.redisbreaker.actuate.CircuitBreakerEventsEndpoint;
import io.redisbreaker.actuate.CircuitBreakerMeters;
import io.redisbreaker.actuate.CircuitBreakersEndpoint;
import io.redisbreaker.actuate.CircuitBreakersEndpointWebExtension;
import io.redisbreaker.actuate.CircuitBreakersHealthIndicator;
import io.redisbreaker.core.CircuitBreakerRegistry;
import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.WithRedisServer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The endpoint, health and meter auto-configurations: present only with their classes and when
 * exposed or enabled, so an application without Actuator or Micrometer still gets working breakers.
 */
@WithRedisServer
class OperationsAutoConfigurationTests {

	private final ApplicationContextRunner runner;

	OperationsAutoConfigurationTests(RedisServer server) {
		this.runner = BreakerTestContexts.runner(server)
			.withConfiguration(AutoConfigurations.of(CircuitBreakerEndpointAutoConfiguration.class,
					CircuitBreakerHealthAutoConfiguration.class, CircuitBreakerMetricsAutoConfiguration.class));
	}

	@Test
	void withoutActuatorAndMicrometerTheBreakersWorkAndNothingElseIsConfigured() {
		this.runner
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate", "org.springframework.boot.health",
					"io.micrometer"))
			.withPropertyValues("management.endpoints.web.exposure.include=*")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(CircuitBreakerRegistry.class).circuitBreaker("plain").executeSupplier(() -> "ok"))
					.isEqualTo("ok");
				assertThat(context).doesNotHaveBean(CircuitBreakersEndpoint.class)
					.doesNotHaveBean(CircuitBreakerEventsEndpoint.class)
					.doesNotHaveBean(CircuitBreakersHealthIndicator.class)
					.doesNotHaveBean(CircuitBreakerMeters.class);
			});
	}

	@Test
	void theEndpointsExistOnlyWhenExposed() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(CircuitBreakersEndpoint.class)
			.doesNotHaveBean(CircuitBreakerEventsEndpoint.class));
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=circuitbreakers,circuitbreakerevents")
			.run((context) -> assertThat(context).hasSingleBean(CircuitBreakersEndpoint.class)
				.hasSingleBean(CircuitBreakersEndpointWebExtension.class)
				.hasSingleBean(CircuitBreakerEventsEndpoint.class));
	}

	@Test
	void theHealthContributorIsOnByDefaultAndCanBeTurnedOff() {
		this.runner.run((context) -> assertThat(context).hasBean("circuitBreakersHealthIndicator"));
		this.runner.withPropertyValues("management.health.circuitbreakers.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(CircuitBreakersHealthIndicator.class));
	}

	@Test
	void theMetersBindToTheApplicationsMeterRegistry() {
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run((context) -> {
			assertThat(context).hasSingleBean(CircuitBreakerMeters.class);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			context.getBean(CircuitBreakerMeters.class).bindTo(meters);
			context.getBean(CircuitBreakerRegistry.class).circuitBreaker("metered").executeSupplier(() -> "ok");
			context.getBean(CircuitBreakerMeters.class).sync();
			assertThat(meters.get("circuit.breaker.successes").tag("name", "metered").functionCounter().count())
				.isEqualTo(1);
			assertThat(meters.get("circuit.breaker.state").tag("name", "metered").gauge()).isNotNull();
		});
	}

}
