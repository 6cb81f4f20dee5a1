package io.redisbreaker.autoconfigure;

import io.redisbreaker.actuate.CircuitBreakersHealthIndicator;
import io.redisbreaker.actuate.FleetStates;
import io.redisbreaker.core.BreakerStore;
import io.redisbreaker.store.FailoverBreakerStore;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.annotation.Bean;

/**
 * The {@code circuitBreakers} health contributor ({@code management.health.circuitbreakers.enabled},
 * on by default).
 */
@AutoConfiguration(after = CircuitBreakerAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(FleetStates.class)
public final class CircuitBreakerHealthAutoConfiguration {

	// On the method: a condition on the class would be loaded even where the health classes are missing.
	@Bean
	@ConditionalOnMissingBean(name = "circuitBreakersHealthIndicator")
	@ConditionalOnEnabledHealthIndicator("circuitbreakers")
	CircuitBreakersHealthIndicator circuitBreakersHealthIndicator(FleetStates fleet, BreakerStore store,
			CircuitBreakerProperties properties) {
		return new CircuitBreakersHealthIndicator(fleet,
				() -> !(store instanceof FailoverBreakerStore failover) || failover.isRedisAvailable(),
				new Status(properties.getHealth().getOpenBreakerStatus()));
	}

}
