package io.redisbreaker.autoconfigure;

import java.io.IOException;
import java.time.Duration;

import io.redisbreaker.core.CircuitBreaker;
import io.redisbreaker.core.CircuitBreakerRegistry;
import io.redisbreaker.core.CircuitState;
import io.redisbreaker.core.TransitionListener;
import io.redisbreaker.testsupport.Await;
import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.WithRedisServer;
import org.junit.jupiter.api.Test;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A user's {@link TransitionListener} beans are told of transitions, and may themselves use the
 * registry (a cascade: when one breaker opens, force another open).
 */
@WithRedisServer
class TransitionListenerBeansTests {

	private final RedisServer server;

	TransitionListenerBeansTests(RedisServer server) {
		this.server = server;
	}

	@Test
	void aListenerThatUsesTheRegistryCascadesATransition() {
		BreakerTestContexts.runner(this.server)
			.withPropertyValues("circuitbreaker.defaults.failure-threshold=2")
			.withUserConfiguration(Cascade.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				CircuitBreakerRegistry registry = context.getBean(CircuitBreakerRegistry.class);
				CircuitBreaker payments = registry.circuitBreaker("payments");
				for (int i = 0; i < 2; i++) {
					payments.acquirePermission().recordFailure(new IOException("payment provider down"));
				}
				Await.until(Duration.ofSeconds(5),
						() -> registry.circuitBreaker("refunds").getState() == CircuitState.FORCED_OPEN,
						"the refunds breaker to be forced open");
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class Cascade {

		@Bean
		TransitionListener cascade(CircuitBreakerRegistry registry) {
			return (transition) -> {
				if (transition.circuitBreakerName().equals("payments") && transition.to() == CircuitState.OPEN) {
					registry.circuitBreaker("refunds").forceOpen();
				}
			};
		}

	}

}
