package io.redisbreaker.autoconfigure;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.redisbreaker.actuate.CircuitBreakerMeters;
import io.redisbreaker.actuate.FleetStates;
import io.redisbreaker.annotation.CircuitProtectedAspect;
import io.redisbreaker.connection.ConnectionRecovery;
import io.redisbreaker.connection.RedisRetry;
import io.redisbreaker.core.BreakerStore;
import io.redisbreaker.core.CircuitBreakerRegistry;
import io.redisbreaker.store.FailoverBreakerStore;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The breakers' meters, and those of the store and the Redis client hardening, when Micrometer is
 * present. Redis command latencies come from Spring Boot's own Lettuce observation (Actuator's
 * {@code lettuce} timers), not from here.
 */
@AutoConfiguration(after = { CircuitBreakerAutoConfiguration.class, CircuitProtectedAutoConfiguration.class },
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(FleetStates.class)
public final class CircuitBreakerMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	CircuitBreakerMeters circuitBreakerMeters(CircuitBreakerRegistry registry, FleetStates fleet,
			CircuitBreakerProperties properties) {
		return new CircuitBreakerMeters(registry, fleet, properties.getMetrics().getNameTags());
	}

	/** Whether the shared store decides, its outages, and what the client hardening did. */
	@Bean
	MeterBinder circuitBreakerStoreMeters(BreakerStore store, ObjectProvider<ConnectionRecovery> recovery,
			ObjectProvider<RedisRetry> templateRetry, ObjectProvider<CircuitProtectedAspect> aspect) {
		return (meterRegistry) -> {
			if (store instanceof FailoverBreakerStore failover) {
				Gauge.builder("circuit.breaker.store.shared", failover, (f) -> f.isRedisAvailable() ? 1 : 0)
					.description("1 while Redis decides, 0 while the failure policy does")
					.register(meterRegistry);
				FunctionCounter.builder("circuit.breaker.store.outages", failover, FailoverBreakerStore::getOutages)
					.description("Times Redis left the decision path (unreachable, failing or slow)")
					.register(meterRegistry);
				FunctionCounter.builder("circuit.breaker.store.failed.probes", failover,
						FailoverBreakerStore::getFailedProbes)
					.description("Probes that found Redis still unavailable")
					.register(meterRegistry);
				Gauge.builder("circuit.breaker.store.broken.breakers", failover, FailoverBreakerStore::getBrokenBreakers)
					.description("Breakers whose keys Redis cannot use; the failure policy decides for them")
					.register(meterRegistry);
				FunctionCounter.builder("circuit.breaker.store.lost.states", failover, FailoverBreakerStore::getLostStates)
					.description("Breakers last seen not closed that Redis no longer holds (FLUSHALL, failover to an empty replica)")
					.register(meterRegistry);
				FunctionCounter.builder("circuit.breaker.store.script.reloads", failover,
						FailoverBreakerStore::getScriptReloads)
					.description("Times Redis had lost the breaker scripts (SCRIPT FLUSH, restart, failover) and they were reloaded")
					.register(meterRegistry);
				FunctionCounter.builder("circuit.breaker.store.retries", failover, FailoverBreakerStore::getRedisRetries)
					.description("Breaker operations tried again after a connection failure")
					.register(meterRegistry);
			}
			recovery.ifAvailable((r) -> FunctionCounter.builder("redis.client.connection.resets", r,
					ConnectionRecovery::resets)
				.description("Times the shared Redis connection was reset (READONLY, or a timeout on a silently dead connection)")
				.register(meterRegistry));
			templateRetry.ifAvailable((r) -> FunctionCounter.builder("redis.client.retries", r, RedisRetry::retries)
				.description("RedisTemplate operations tried again after a failure")
				.register(meterRegistry));
			aspect.ifAvailable((a) -> FunctionCounter.builder("circuit.breaker.unprotected.calls", a,
					CircuitProtectedAspect::getUnprotectedCalls)
				.description("@CircuitProtected calls that ran without a breaker (name not computable)")
				.register(meterRegistry));
		};
	}

}
