package io.redisbreaker.core;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.redisbreaker.store.BreakerStore;

/**
 * Keeps one {@link CircuitBreaker} per name in this JVM, so two objects never report into the same
 * breaker with different settings. The first use of a name in this JVM also adds it to the store's
 * index, which is how every instance can list every breaker.
 */
public final class CircuitBreakerRegistry {

	private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();

	private final BreakerStore store;

	private final CircuitBreakerConfigs configs;

	private final TransitionListener listener;

	private final String instanceId;

	public CircuitBreakerRegistry(BreakerStore store, CircuitBreakerConfigs configs, TransitionListener listener,
			String instanceId) {
		this.store = store;
		this.configs = configs;
		this.listener = listener;
		this.instanceId = instanceId;
	}

	/** The breaker of this name, with its own settings if it has an entry, else the defaults. */
	public CircuitBreaker circuitBreaker(String name) {
		return this.breakers.computeIfAbsent(BreakerNames.validate(name),
				(key) -> create(key, this.configs.forName(key)));
	}

	/**
	 * The breaker of this name using the settings of another entry: for names computed per call (one
	 * annotation serving {@code exchange/region/type} names) that share one configuration. The first
	 * call for a name decides its settings.
	 */
	public CircuitBreaker circuitBreaker(String name, String configuration) {
		CircuitBreakerConfig config = this.configs.require(configuration);
		return this.breakers.computeIfAbsent(BreakerNames.validate(name), (key) -> create(key, config));
	}

	/** The breaker of this name if this JVM has used it. */
	public Optional<CircuitBreaker> find(String name) {
		return Optional.ofNullable(this.breakers.get(name));
	}

	/** The breakers this JVM has used. */
	public Collection<CircuitBreaker> getAllCircuitBreakers() {
		return List.copyOf(this.breakers.values());
	}

	/** The names of the breakers any instance has used (from the store's index). */
	public Set<String> getAllNames() {
		return this.store.names().toCompletableFuture().join();
	}

	public CircuitBreakerConfigs getConfigs() {
		return this.configs;
	}

	public String getInstanceId() {
		return this.instanceId;
	}

	private CircuitBreaker create(String name, CircuitBreakerConfig config) {
		CircuitBreaker breaker = new CircuitBreaker(name, config, this.store, this.listener, this.instanceId);
		this.store.register(name);
		return breaker;
	}

}
