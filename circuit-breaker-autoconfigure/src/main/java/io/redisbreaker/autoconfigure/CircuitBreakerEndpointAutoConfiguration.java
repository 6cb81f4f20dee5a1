package io.redisbreaker.autoconfigure;

import io.redisbreaker.actuate.CircuitBreakerEventsEndpoint;
import io.redisbreaker.actuate.CircuitBreakersEndpoint;
import io.redisbreaker.actuate.CircuitBreakersEndpointWebExtension;
import io.redisbreaker.core.BreakerStore;
import io.redisbreaker.core.CircuitBreakerRegistry;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code circuitbreakers} and {@code circuitbreakerevents} Actuator endpoints, when Actuator is
 * present and the endpoints are exposed.
 */
@AutoConfiguration(after = CircuitBreakerAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(CircuitBreakerRegistry.class)
public final class CircuitBreakerEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint
	CircuitBreakersEndpoint circuitBreakersEndpoint(CircuitBreakerRegistry registry) {
		return new CircuitBreakersEndpoint(registry);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(CircuitBreakersEndpoint.class)
	@ConditionalOnAvailableEndpoint(endpoint = CircuitBreakersEndpoint.class)
	CircuitBreakersEndpointWebExtension circuitBreakersEndpointWebExtension(CircuitBreakersEndpoint endpoint) {
		return new CircuitBreakersEndpointWebExtension(endpoint);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint
	CircuitBreakerEventsEndpoint circuitBreakerEventsEndpoint(CircuitBreakerRegistry registry, BreakerStore store) {
		return new CircuitBreakerEventsEndpoint(registry, store);
	}

}
