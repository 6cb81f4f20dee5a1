package io.redisbreaker.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import io.redisbreaker.annotation.CircuitProtectedAspect;
import io.redisbreaker.core.BreakerNames;
import io.redisbreaker.core.CircuitBreakerConfig;
import io.redisbreaker.core.CircuitBreakerConfigs;
import io.redisbreaker.core.CircuitBreakerRegistry;
import io.redisbreaker.core.ViewOptions;
import io.redisbreaker.core.OverflowPolicy;
import io.redisbreaker.store.FailoverOptions;
import io.redisbreaker.store.RedisFailurePolicy;
import io.redisbreaker.store.redis.BreakerKeys;
import io.redisbreaker.store.redis.RedisBreakerStore;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * Settings of the distributed circuit breakers, under {@code circuitbreaker}.
 * <p>
 * {@code circuitbreaker.defaults.*} applies to every breaker; {@code circuitbreaker.instances.[name].*}
 * overrides single settings for one breaker name (or for a shared configuration that annotations name
 * with {@code configuration}). Names containing {@code /} need brackets in YAML keys:
 * {@code "[upbit/kr/ticker]"}.
 */
@ConfigurationProperties("circuitbreaker")
public class CircuitBreakerProperties {

	private static final String DEFAULTS_PATH = "circuitbreaker.defaults";

	/** Whether the circuit breakers are auto-configured. */
	private boolean enabled = true;

	/** Prefix of every Redis key and channel the breakers use. */
	private String keyPrefix = BreakerKeys.DEFAULT_PREFIX;

	/**
	 * Lifetime of a breaker's Redis keys after its last write; forced states never expire. Must be at
	 * least every breaker's sliding-window, half-open-permit-lease and longest open time (max-open-timeout
	 * when open-timeout-multiplier is above 1, else open-timeout).
	 */
	private Duration keyTtl = RedisBreakerStore.DEFAULT_KEY_TTL;

	/** What breakers do while Redis is unreachable or too slow: local, allow or deny. */
	private RedisFailurePolicy redisFailurePolicy = FailoverOptions.DEFAULT_POLICY;

	/**
	 * Timeout of each breaker operation against Redis, after which the failure policy decides; keeps a
	 * slow Redis from holding up business calls.
	 */
	private Duration redisTimeout = FailoverOptions.DEFAULT_TIMEOUT;

	/**
	 * Answers slower than this, three times in a row, take Redis out of the decision path as a failure
	 * would, until a PING is answered faster again; at most redis-timeout.
	 */
	private Duration redisSlowThreshold = FailoverOptions.DEFAULT_SLOW_THRESHOLD;

	/** How often an unavailable Redis is probed before breakers use it again. */
	private Duration redisProbeInterval = FailoverOptions.DEFAULT_PROBE_INTERVAL;

	/** Order of the @CircuitProtected aspect; by default inside retry aspects. */
	private int aspectOrder = CircuitProtectedAspect.DEFAULT_ORDER;

	/** Identifies this instance in transition messages and trial permits; random when unset. */
	private @Nullable String instanceId;

	/**
	 * The most breakers there may be, in this JVM and in the whole fleet (checked in Redis when a name is
	 * first used). Names computed from arguments can otherwise make a breaker, and keys, per request.
	 */
	private int maxBreakers = CircuitBreakerRegistry.DEFAULT_MAX_BREAKERS;

	/**
	 * What a call does whose breaker would exceed max-breakers: allow (runs unprotected, with a warning
	 * and a counter) or deny (rejected like an open breaker, so its fallback runs).
	 */
	private OverflowPolicy overflowPolicy = OverflowPolicy.ALLOW;

	/**
	 * The oldest a breaker's local view of the shared state may be and still decide calls (consistency
	 * bounded); older, Redis decides. Another instance's transition reaches this one by Pub/Sub at once;
	 * this bounds how late it can be when a message is lost.
	 */
	private Duration maxStaleness = ViewOptions.DEFAULT_MAX_STALENESS;

	/**
	 * How often outcomes counted locally (consistency bounded) are sent to Redis, in one pipelined round
	 * trip for all breakers with news, and local views are read again; at once when unsent failures could
	 * cross a threshold. At most a third of max-staleness.
	 */
	private Duration flushInterval = ViewOptions.DEFAULT_FLUSH_INTERVAL;

	/** Micrometer metrics of the breakers. */
	@NestedConfigurationProperty
	private final Metrics metrics = new Metrics();

	/** The circuitBreakers health contributor. */
	@NestedConfigurationProperty
	private final Health health = new Health();

	/** Settings for every breaker without an entry of its own. */
	@NestedConfigurationProperty
	private BreakerSettings defaults = new BreakerSettings();

	/** Per breaker name (or shared configuration name): settings that differ from the defaults. */
	private Map<String, BreakerSettings> instances = new LinkedHashMap<>();

	/**
	 * Builds the settings of every breaker and checks them, together with {@link #getKeyTtl() key-ttl}.
	 * @return the settings
	 * @throws InvalidCircuitBreakerPropertyException naming the property, its value and what was expected
	 */
	public CircuitBreakerConfigs toConfigs() {
		if (this.maxBreakers < 1) {
			throw new InvalidCircuitBreakerPropertyException("circuitbreaker.max-breakers",
					Integer.toString(this.maxBreakers), "at least 1");
		}
		CircuitBreakerConfig defaultConfig = this.defaults.build(DEFAULTS_PATH, null, CircuitBreakerConfig.ofDefaults());
		Map<String, CircuitBreakerConfig> named = new LinkedHashMap<>();
		this.instances.forEach((name, settings) -> {
			String path = instancePath(name);
			try {
				BreakerNames.validate(name);
			}
			catch (IllegalArgumentException ex) {
				InvalidCircuitBreakerPropertyException invalid = new InvalidCircuitBreakerPropertyException(path, name,
						"a valid breaker name (" + ex.getMessage() + ")",
						"Rename the entry " + path + " to a valid breaker name: " + BreakerNames.RULES + ".");
				invalid.initCause(ex);
				throw invalid;
			}
			named.put(name, settings.build(path, DEFAULTS_PATH, defaultConfig));
		});
		checkKeyTtl(defaultConfig, named);
		return new CircuitBreakerConfigs(defaultConfig, named);
	}

	/**
	 * A breaker's keys must outlive everything they track: a shorter key-ttl would let Redis drop a
	 * window's counts, a held trial permit or an open state while it still matters. The longest
	 * requirement is reported, so that one change fixes every breaker.
	 */
	private void checkKeyTtl(CircuitBreakerConfig defaultConfig, Map<String, CircuitBreakerConfig> named) {
		Requirement longest = longest(null, DEFAULTS_PATH, this.defaults, null, defaultConfig);
		for (Map.Entry<String, CircuitBreakerConfig> entry : named.entrySet()) {
			longest = longest(longest, instancePath(entry.getKey()), this.instances.get(entry.getKey()),
					this.defaults, entry.getValue());
		}
		if (this.keyTtl.compareTo(longest.duration()) < 0) {
			String keyTtl = InvalidCircuitBreakerPropertyException.format(this.keyTtl);
			throw new InvalidCircuitBreakerPropertyException("circuitbreaker.key-ttl", keyTtl,
					"at least " + longest.property() + " ("
							+ InvalidCircuitBreakerPropertyException.format(longest.duration()) + ")",
					"Set circuitbreaker.key-ttl to at least "
							+ InvalidCircuitBreakerPropertyException.format(longest.duration()) + ", or lower "
							+ longest.property() + ": a breaker's Redis keys must outlive its sliding-window, its "
							+ "half-open-permit-lease and its longest open time.");
		}
	}

	private static Requirement longest(@Nullable Requirement longest, String path, BreakerSettings settings,
			@Nullable BreakerSettings parent, CircuitBreakerConfig config) {
		boolean growing = config.getOpenTimeoutMultiplier() > 1.0;
		Requirement[] requirements = {
				requirement(path, settings, parent, "sliding-window", BreakerSettings::getSlidingWindow,
						config.getSlidingWindow()),
				requirement(path, settings, parent, "half-open-permit-lease", BreakerSettings::getHalfOpenPermitLease,
						config.getHalfOpenPermitLease()),
				growing ? requirement(path, settings, parent, "max-open-timeout", BreakerSettings::getMaxOpenTimeout,
						config.getMaxOpenTimeout())
						: requirement(path, settings, parent, "open-timeout", BreakerSettings::getOpenTimeout,
								config.getOpenTimeout()) };
		for (Requirement requirement : requirements) {
			if (longest == null || requirement.duration().compareTo(longest.duration()) > 0) {
				longest = requirement;
			}
		}
		return longest;
	}

	/** Names the entry that sets the value: this one, else the defaults it inherits from. */
	private static Requirement requirement(String path, BreakerSettings settings, @Nullable BreakerSettings parent,
			String setting, Function<BreakerSettings, @Nullable Duration> getter, Duration effective) {
		String from = (getter.apply(settings) != null || parent == null) ? path : DEFAULTS_PATH;
		return new Requirement(from + "." + setting, effective);
	}

	private static String instancePath(String name) {
		return "circuitbreaker.instances[" + name + "]";
	}

	private record Requirement(String property, Duration duration) {
	}

	/** The configured instance id, or a random one (fixed for the life of this object). */
	public String resolveInstanceId() {
		if (this.instanceId == null || this.instanceId.isBlank()) {
			this.instanceId = UUID.randomUUID().toString().substring(0, 8);
		}
		return this.instanceId;
	}

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getKeyPrefix() {
		return this.keyPrefix;
	}

	public void setKeyPrefix(String keyPrefix) {
		this.keyPrefix = keyPrefix;
	}

	public Duration getKeyTtl() {
		return this.keyTtl;
	}

	public void setKeyTtl(Duration keyTtl) {
		this.keyTtl = keyTtl;
	}

	public RedisFailurePolicy getRedisFailurePolicy() {
		return this.redisFailurePolicy;
	}

	public void setRedisFailurePolicy(RedisFailurePolicy redisFailurePolicy) {
		this.redisFailurePolicy = redisFailurePolicy;
	}

	public Duration getRedisTimeout() {
		return this.redisTimeout;
	}

	public void setRedisTimeout(Duration redisTimeout) {
		this.redisTimeout = redisTimeout;
	}

	public Duration getRedisSlowThreshold() {
		return this.redisSlowThreshold;
	}

	public void setRedisSlowThreshold(Duration redisSlowThreshold) {
		this.redisSlowThreshold = redisSlowThreshold;
	}

	public Duration getRedisProbeInterval() {
		return this.redisProbeInterval;
	}

	public void setRedisProbeInterval(Duration redisProbeInterval) {
		this.redisProbeInterval = redisProbeInterval;
	}

	public int getAspectOrder() {
		return this.aspectOrder;
	}

	public void setAspectOrder(int aspectOrder) {
		this.aspectOrder = aspectOrder;
	}

	public @Nullable String getInstanceId() {
		return this.instanceId;
	}

	public void setInstanceId(@Nullable String instanceId) {
		this.instanceId = instanceId;
	}

	public Duration getMaxStaleness() {
		return this.maxStaleness;
	}

	public void setMaxStaleness(Duration maxStaleness) {
		this.maxStaleness = maxStaleness;
	}

	public Duration getFlushInterval() {
		return this.flushInterval;
	}

	public void setFlushInterval(Duration flushInterval) {
		this.flushInterval = flushInterval;
	}

	/** The local views' settings; fails naming max-staleness and flush-interval when they do not fit. */
	public ViewOptions toViewOptions() {
		return new ViewOptions(this.maxStaleness, this.flushInterval);
	}

	public int getMaxBreakers() {
		return this.maxBreakers;
	}

	public void setMaxBreakers(int maxBreakers) {
		this.maxBreakers = maxBreakers;
	}

	public OverflowPolicy getOverflowPolicy() {
		return this.overflowPolicy;
	}

	public void setOverflowPolicy(OverflowPolicy overflowPolicy) {
		this.overflowPolicy = overflowPolicy;
	}

	public Metrics getMetrics() {
		return this.metrics;
	}

	public Health getHealth() {
		return this.health;
	}

	public BreakerSettings getDefaults() {
		return this.defaults;
	}

	public void setDefaults(BreakerSettings defaults) {
		this.defaults = defaults;
	}

	public Map<String, BreakerSettings> getInstances() {
		return this.instances;
	}

	public void setInstances(Map<String, BreakerSettings> instances) {
		this.instances = instances;
	}

	/** Micrometer metrics of the breakers. */
	public static class Metrics {

		/**
		 * Tags a breaker name's '/'-separated parts become, in order: with exchange,region,type the
		 * breaker upbit/kr/ticker is tagged exchange=upbit, region=kr, type=ticker besides name.
		 */
		private List<String> nameTags = new ArrayList<>();

		/**
		 * How often the fleet's breaker states are read from Redis for the state gauge and the health
		 * contributor (one round trip for all breakers); transitions are applied as they are heard.
		 */
		private Duration refreshInterval = Duration.ofSeconds(10);

		public List<String> getNameTags() {
			return this.nameTags;
		}

		public void setNameTags(List<String> nameTags) {
			this.nameTags = nameTags;
		}

		public Duration getRefreshInterval() {
			return this.refreshInterval;
		}

		public void setRefreshInterval(Duration refreshInterval) {
			this.refreshInterval = refreshInterval;
		}

	}

	/** The circuitBreakers health contributor. */
	public static class Health {

		/**
		 * The health status the contributor reports while any breaker is open or forced open, for
		 * example DOWN or OUT_OF_SERVICE; by default an open breaker leaves the application UP, since
		 * the breaker doing its job is no reason to restart or remove an instance.
		 */
		private String openBreakerStatus = "UP";

		public String getOpenBreakerStatus() {
			return this.openBreakerStatus;
		}

		public void setOpenBreakerStatus(String openBreakerStatus) {
			this.openBreakerStatus = openBreakerStatus;
		}

	}

}
