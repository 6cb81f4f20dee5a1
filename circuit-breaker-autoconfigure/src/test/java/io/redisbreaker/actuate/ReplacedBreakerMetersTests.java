package io.redisbreaker.actuate;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.redisbreaker.core.CircuitBreaker;
import io.redisbreaker.core.CircuitBreakerConfig;
import io.redisbreaker.core.CircuitBreakerConfigs;
import io.redisbreaker.core.CircuitBreakerRegistry;
import io.redisbreaker.store.memory.InMemoryBreakerStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The call meters of a breaker the registry replaced or created again read the new object, not the old one. */
class ReplacedBreakerMetersTests {

	private final CircuitBreakerRegistry registry = new CircuitBreakerRegistry(new InMemoryBreakerStore("a"),
			new CircuitBreakerConfigs(CircuitBreakerConfig.ofDefaults(),
					Map.of("shared", CircuitBreakerConfig.builder().failureThreshold(7).build())),
			(transition) -> {
			}, "a");

	private final FleetStates fleet = new FleetStates(this.registry, Duration.ofSeconds(60));

	private final CircuitBreakerMeters meters = new CircuitBreakerMeters(this.registry, this.fleet, List.of());

	private final SimpleMeterRegistry meterRegistry = new SimpleMeterRegistry();

	@AfterEach
	void close() {
		this.fleet.close();
	}

	@Test
	void callsOfABreakerReplacedByExplicitSettingsAreCounted() {
		this.registry.circuitBreaker("orders").executeSupplier(() -> "first");
		this.meters.bindTo(this.meterRegistry);
		this.meters.sync();
		CircuitBreaker explicit = this.registry.circuitBreaker("orders", "shared");
		explicit.executeSupplier(() -> "second");
		explicit.executeSupplier(() -> "third");
		this.meters.sync();
		assertThat(successes()).as("successes of orders after its breaker was replaced").isGreaterThanOrEqualTo(2.0);
	}

	@Test
	void callsOfABreakerCreatedAgainAfterIdleEvictionAreCounted() {
		this.registry.circuitBreaker("orders").executeSupplier(() -> "first");
		this.meters.bindTo(this.meterRegistry);
		this.meters.sync();
		assertThat(this.registry.evictIdle(Duration.ZERO)).containsExactly("orders");
		// Another instance keeps the name alive in the store, so its meters stay here.
		this.meters.sync();
		CircuitBreaker again = this.registry.circuitBreaker("orders");
		again.executeSupplier(() -> "second");
		again.executeSupplier(() -> "third");
		this.meters.sync();
		assertThat(successes()).as("successes of orders after it was created again").isGreaterThanOrEqualTo(2.0);
	}

	private double successes() {
		return this.meterRegistry.get("circuit.breaker.successes").tag("name", "orders").functionCounter().count();
	}

}
