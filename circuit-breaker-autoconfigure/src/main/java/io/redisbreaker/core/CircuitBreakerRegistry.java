package io.redisbreaker.core;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Keeps one {@link CircuitBreaker} per name in this JVM, so two objects never report into the same
 * breaker with different settings. Creating a breaker in this JVM also adds it to the store's index,
 * which is how every instance can list every breaker.
 * <p>
 * <strong>Which settings a breaker gets.</strong> {@link #circuitBreaker(String, String)} names its
 * settings explicitly, and so does {@link #circuitBreaker(String)} for a name with its own
 * {@code circuitbreaker.instances} entry; {@link #circuitBreaker(String)} for any other name creates the
 * breaker <em>implicitly</em> with the defaults. An explicit request wins over an implicit creation: the
 * breaker is replaced by one with the requested settings (holders of the old object keep its settings,
 * while the shared state is the same). When two explicit requests for one name disagree, the first one
 * stays and the conflict is logged as a warning, once per name and configuration.
 * <p>
 * <strong>Reading never creates.</strong> {@link #find(String)}, {@link #snapshot(String)},
 * {@link #snapshot(String, String)}, {@link #getAllCircuitBreakers()} and {@link #getAllNames()} neither
 * create nor register a breaker, so a dashboard that reads a breaker before its first call does not
 * decide the breaker's settings.
 */
public final class CircuitBreakerRegistry {

	private static final Log logger = LogFactory.getLog(CircuitBreakerRegistry.class);

	private final Map<String, Registered> breakers = new ConcurrentHashMap<>();

	// Conflicts already reported, so a protected method called per request warns once, not per call.
	private final Set<String> reportedConflicts = ConcurrentHashMap.newKeySet();

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

	/**
	 * The breaker of this name, created if this JVM has not used it: with its own
	 * {@code circuitbreaker.instances} entry if it has one, else (implicitly) with the defaults. An
	 * existing breaker is returned as it is, whatever its settings.
	 * @param name a valid breaker name (see {@link BreakerNames})
	 * @return the breaker
	 */
	public CircuitBreaker circuitBreaker(String name) {
		return this.breakers.computeIfAbsent(BreakerNames.validate(name), (key) -> {
			boolean ownEntry = this.configs.named().containsKey(key);
			return create(key, this.configs.forName(key), ownEntry ? "circuitbreaker.instances[" + key + "]" : null);
		}).breaker();
	}

	/**
	 * The breaker of this name using the settings of a named entry: for names computed per call (one
	 * annotation serving {@code exchange/region/type} names) that share one configuration. Replaces a
	 * breaker that {@link #circuitBreaker(String)} created implicitly with the defaults; keeps (and logs)
	 * a breaker created with other explicit settings.
	 * @param name a valid breaker name (see {@link BreakerNames})
	 * @param configuration the {@code circuitbreaker.instances} entry, which must exist
	 * @return the breaker
	 */
	public CircuitBreaker circuitBreaker(String name, String configuration) {
		CircuitBreakerConfig config = this.configs.require(configuration);
		String settings = "configuration '" + configuration + "'";
		Registered registered = this.breakers.compute(BreakerNames.validate(name), (key, existing) -> {
			if (existing == null) {
				return create(key, config, settings);
			}
			if (existing.breaker().getConfig().equals(config)) {
				return existing.isImplicit() ? new Registered(existing.breaker(), settings) : existing;
			}
			if (existing.isImplicit()) {
				logger.info("Circuit breaker '" + key + "' now uses " + settings
						+ "; it was first used without one and had the defaults");
				return create(key, config, settings);
			}
			if (this.reportedConflicts.add(key + '\n' + configuration)) {
				logger.warn("Circuit breaker '" + key + "' is asked for with " + settings + " but already uses "
						+ existing.settings() + ", whose settings differ; keeping " + existing.settings()
						+ ". Give the uses different breaker names or the same configuration.");
			}
			return existing;
		});
		return registered.breaker();
	}

	/** The breaker of this name if this JVM has used it; never creates one. */
	public Optional<CircuitBreaker> find(String name) {
		Registered registered = this.breakers.get(name);
		return Optional.ofNullable((registered != null) ? registered.breaker() : null);
	}

	/**
	 * Reads a breaker's shared state without creating or registering it: with the settings of this
	 * JVM's breaker of that name if there is one, else those {@link #circuitBreaker(String)} would use.
	 * The settings only decide which calls still count (the sliding window); a name that shares a named
	 * configuration reads best through {@link #snapshot(String, String)}.
	 * @param name a valid breaker name, such as one from {@link #getAllNames()}
	 * @return the state and counts
	 */
	public CircuitSnapshot snapshot(String name) {
		Registered registered = this.breakers.get(name);
		if (registered != null) {
			return registered.breaker().getSnapshot();
		}
		return Failures.join(this.store.snapshot(BreakerNames.validate(name), this.configs.forName(name)));
	}

	/**
	 * Reads a breaker's shared state with the settings of a named entry, without creating or registering
	 * the breaker.
	 * @param name a valid breaker name
	 * @param configuration the {@code circuitbreaker.instances} entry, which must exist
	 * @return the state and counts
	 */
	public CircuitSnapshot snapshot(String name, String configuration) {
		CircuitBreakerConfig config = this.configs.require(configuration);
		return Failures.join(this.store.snapshot(BreakerNames.validate(name), config));
	}

	/** The breakers this JVM has used; never creates one. */
	public Collection<CircuitBreaker> getAllCircuitBreakers() {
		return this.breakers.values().stream().map(Registered::breaker).toList();
	}

	/** The names of the breakers any instance has used (from the store's index); never creates one. */
	public Set<String> getAllNames() {
		return Failures.join(this.store.names());
	}

	public CircuitBreakerConfigs getConfigs() {
		return this.configs;
	}

	public String getInstanceId() {
		return this.instanceId;
	}

	private Registered create(String name, CircuitBreakerConfig config, @Nullable String settings) {
		CircuitBreaker breaker = new CircuitBreaker(name, config, this.store, this.listener, this.instanceId);
		this.store.register(name);
		return new Registered(breaker, settings);
	}

	/**
	 * A breaker and where its settings came from.
	 * @param breaker the breaker
	 * @param settings the explicit source of its settings, or {@code null} when it has the defaults because
	 * nobody asked for more
	 */
	private record Registered(CircuitBreaker breaker, @Nullable String settings) {

		boolean isImplicit() {
			return this.settings == null;
		}

	}

}
