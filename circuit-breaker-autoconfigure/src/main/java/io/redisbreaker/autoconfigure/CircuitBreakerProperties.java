package io.redisbreaker.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import io.redisbreaker.annotation.CircuitProtectedAspect;
import io.redisbreaker.core.BreakerNames;
import io.redisbreaker.core.CircuitBreakerConfig;
import io.redisbreaker.core.CircuitBreakerConfigs;
import io.redisbreaker.store.FailoverBreakerStore;
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

	/** Whether the circuit breakers are auto-configured. */
	private boolean enabled = true;

	/** Prefix of every Redis key and channel the breakers use. */
	private String keyPrefix = BreakerKeys.DEFAULT_PREFIX;

	/** Lifetime of a breaker's Redis keys after its last write; forced states never expire. */
	private Duration keyTtl = RedisBreakerStore.DEFAULT_KEY_TTL;

	/** What breakers do while Redis is unreachable or too slow: local, allow or deny. */
	private RedisFailurePolicy redisFailurePolicy = RedisFailurePolicy.LOCAL;

	/**
	 * Timeout of each breaker operation against Redis, after which the failure policy decides; keeps a
	 * slow Redis from holding up business calls.
	 */
	private Duration redisTimeout = FailoverBreakerStore.DEFAULT_TIMEOUT;

	/**
	 * Answers slower than this, three times in a row, take Redis out of the decision path as a failure
	 * would, until a PING is answered faster again; at most redis-timeout.
	 */
	private Duration redisSlowThreshold = FailoverBreakerStore.DEFAULT_SLOW_THRESHOLD;

	/** How often an unavailable Redis is probed before breakers use it again. */
	private Duration redisProbeInterval = FailoverBreakerStore.DEFAULT_PROBE_INTERVAL;

	/** Order of the @CircuitProtected aspect; by default inside retry aspects. */
	private int aspectOrder = CircuitProtectedAspect.DEFAULT_ORDER;

	/** Identifies this instance in transition messages and trial permits; random when unset. */
	private @Nullable String instanceId;

	/** Settings for every breaker without an entry of its own. */
	@NestedConfigurationProperty
	private BreakerSettings defaults = new BreakerSettings();

	/** Per breaker name (or shared configuration name): settings that differ from the defaults. */
	private Map<String, BreakerSettings> instances = new LinkedHashMap<>();

	/** Builds the settings of every breaker, naming the offending property when a value is invalid. */
	public CircuitBreakerConfigs toConfigs() {
		CircuitBreakerConfig defaultConfig = build("circuitbreaker.defaults", CircuitBreakerConfig.ofDefaults(),
				this.defaults);
		Map<String, CircuitBreakerConfig> named = new LinkedHashMap<>();
		this.instances.forEach((name, settings) -> {
			String path = "circuitbreaker.instances[" + name + "]";
			try {
				BreakerNames.validate(name);
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalStateException("Invalid " + path + ": " + ex.getMessage(), ex);
			}
			named.put(name, build(path, defaultConfig, settings));
		});
		return new CircuitBreakerConfigs(defaultConfig, named);
	}

	private static CircuitBreakerConfig build(String path, CircuitBreakerConfig base, BreakerSettings settings) {
		try {
			return settings.applyTo(base.toBuilder()).build();
		}
		catch (IllegalArgumentException ex) {
			// The builder quotes setting names ('failure-threshold'); say which property they are.
			String message = ex.getMessage().replaceAll("'([a-z-]+)'", "'" + path + ".$1'");
			throw new IllegalStateException("Invalid circuit breaker settings: " + message, ex);
		}
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

}
