package io.redisbreaker.core;

import java.util.Map;
import java.util.TreeMap;

/**
 * The settings for every breaker name: named entries, and the defaults for all other names.
 *
 * @param defaults settings of breakers without an entry of their own
 * @param named settings by breaker name (or by shared configuration name)
 */
public record CircuitBreakerConfigs(CircuitBreakerConfig defaults, Map<String, CircuitBreakerConfig> named) {

	public CircuitBreakerConfigs {
		named = Map.copyOf(named);
	}

	public static CircuitBreakerConfigs of(CircuitBreakerConfig defaults) {
		return new CircuitBreakerConfigs(defaults, Map.of());
	}

	/** The settings of a breaker: its own entry if it has one, the defaults otherwise. */
	public CircuitBreakerConfig forName(String name) {
		return this.named.getOrDefault(name, this.defaults);
	}

	/** The settings of a named entry, which must exist. */
	public CircuitBreakerConfig require(String configuration) {
		CircuitBreakerConfig config = this.named.get(configuration);
		if (config == null) {
			throw new IllegalArgumentException("No circuit breaker configuration named '" + configuration
					+ "'; configured names are " + new TreeMap<>(this.named).keySet()
					+ " (set them under circuitbreaker.instances)");
		}
		return config;
	}

}
