package io.redisbreaker.autoconfigure;

import java.time.Duration;
import java.util.function.Supplier;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.redisbreaker.actuate.FleetStates;
import io.redisbreaker.connection.ConnectionRecovery;
import io.redisbreaker.connection.RedisRetry;
import io.redisbreaker.core.CircuitBreakerRegistry;
import io.redisbreaker.core.TransitionListener;
import io.redisbreaker.core.TransitionLogger;
import io.redisbreaker.core.TransitionRelay;
import io.redisbreaker.event.ApplicationEventTransitionListener;
import io.redisbreaker.core.BreakerStore;
import io.redisbreaker.store.FailoverBreakerStore;
import io.redisbreaker.store.FailoverOptions;
import io.redisbreaker.store.memory.InMemoryBreakerStore;
import io.redisbreaker.store.redis.BreakerKeys;
import io.redisbreaker.store.redis.InstanceIdGuard;
import io.redisbreaker.store.redis.RedisBreakerStore;
import io.redisbreaker.store.redis.RedisTransitionSubscriber;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The breaker registry and the Redis store behind it.
 */
@AutoConfiguration(after = { DataRedisAutoConfiguration.class, RedisClientAutoConfiguration.class })
@ConditionalOnClass({ LettuceConnectionFactory.class, RedisClusterAsyncCommands.class })
@ConditionalOnSingleCandidate(RedisConnectionFactory.class)
@ConditionalOnProperty(prefix = "circuitbreaker", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(CircuitBreakerProperties.class)
public final class CircuitBreakerAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	TransitionLogger circuitBreakerTransitionLogger() {
		return new TransitionLogger();
	}

	@Bean
	@ConditionalOnMissingBean
	ApplicationEventTransitionListener circuitBreakerTransitionEvents(ApplicationEventPublisher publisher) {
		return new ApplicationEventTransitionListener(publisher);
	}

	@Bean
	@ConditionalOnMissingBean
	BreakerKeys circuitBreakerKeys(CircuitBreakerProperties properties) {
		return new BreakerKeys(properties.getKeyPrefix());
	}

	/** Every path a transition reaches this instance by goes through it, so each is told once. */
	@Bean
	@ConditionalOnMissingBean
	TransitionRelay circuitBreakerTransitionRelay(ObjectProvider<TransitionListener> listeners) {
		return new TransitionRelay(allOf(listeners));
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	BreakerStore circuitBreakerStore(RedisConnectionFactory connectionFactory, BreakerKeys keys,
			CircuitBreakerProperties properties, TransitionRelay relay, ObjectProvider<ConnectionRecovery> recovery) {
		String instanceId = properties.resolveInstanceId();
		ConnectionRecovery connectionRecovery = recovery.getIfAvailable();
		RedisRetry retry = (connectionRecovery != null)
				? new RedisRetry(breakerRetry(properties.getRedisTimeout()), connectionRecovery) : null;
		RedisBreakerStore shared = new RedisBreakerStore(lettuceCommands(connectionFactory), keys, instanceId,
				properties.getKeyTtl(), retry, properties.getMaxBreakers());
		FailoverOptions options = FailoverOptions.builder()
			.policy(properties.getRedisFailurePolicy())
			.timeout(properties.getRedisTimeout())
			.slowThreshold(properties.getRedisSlowThreshold())
			.probeInterval(properties.getRedisProbeInterval())
			.build();
		return new FailoverBreakerStore(shared, new InMemoryBreakerStore(instanceId), options, relay.asListener());
	}

	@Bean
	@ConditionalOnProperty(prefix = "circuitbreaker.redis-client", name = "verify-on-startup", matchIfMissing = true)
	BreakerStoreStartupCheck circuitBreakerStoreStartupCheck(BreakerStore store,
			RedisConnectionFactory connectionFactory, BreakerKeys keys, CircuitBreakerProperties properties) {
		// A store of its own, on the same shared connection, so the check is not bound by the
		// breaker's short timeout and never marks the application's store unavailable.
		boolean redisBacked = store instanceof FailoverBreakerStore || store instanceof RedisBreakerStore;
		return new BreakerStoreStartupCheck(() -> redisBacked ? new RedisBreakerStore(lettuceCommands(connectionFactory),
				keys, properties.resolveInstanceId(), properties.getKeyTtl()) : null, keys);
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	CircuitBreakerRegistry redisCircuitBreakerRegistry(BreakerStore store, CircuitBreakerProperties properties,
			TransitionRelay relay) {
		return new CircuitBreakerRegistry(store, properties.toConfigs(), relay.asListener(),
				properties.resolveInstanceId(), properties.getMaxBreakers(), properties.getOverflowPolicy(),
				properties.toViewOptions());
	}

	/** The fleet's states for meters and health; reads nothing until one of them asks. */
	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	FleetStates circuitBreakerFleetStates(CircuitBreakerRegistry registry, CircuitBreakerProperties properties) {
		return new FleetStates(registry, properties.getMetrics().getRefreshInterval());
	}

	/** Drops idle breakers and what is kept about them, and compares settings across the fleet. */
	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	BreakerHousekeeping circuitBreakerHousekeeping(CircuitBreakerRegistry registry, BreakerStore store,
			TransitionRelay relay, CircuitBreakerProperties properties) {
		return new BreakerHousekeeping(registry, store, relay, properties.getKeyTtl());
	}

	@Bean(destroyMethod = "destroy")
	@ConditionalOnMissingBean
	RedisTransitionSubscriber circuitBreakerTransitionSubscriber(RedisConnectionFactory connectionFactory,
			BreakerKeys keys, CircuitBreakerProperties properties, TransitionRelay relay, BreakerStore store,
			CircuitBreakerRegistry registry) {
		TransitionListener heard = (transition) -> {
			if (store instanceof FailoverBreakerStore failover) {
				failover.observe(transition);
			}
			registry.observe(transition);
			relay.tell(transition);
		};
		return new RedisTransitionSubscriber(connectionFactory, keys, properties.resolveInstanceId(), heard,
				properties.getRedisProbeInterval());
	}

	/**
	 * Retries for the breaker's own operations, paced to fit its decision budget: a connection killed
	 * under a call is replaced within milliseconds, so the retry after it must come within the budget
	 * too (the templates' 100 ms, 200 ms, 400 ms would outlast a 250 ms budget after two attempts).
	 */
	static RedisRetry.RetrySettings breakerRetry(Duration budget) {
		Duration maxDelay = budget.dividedBy(5);
		Duration delay = (maxDelay.compareTo(Duration.ofMillis(10)) < 0) ? maxDelay : Duration.ofMillis(10);
		// More attempts than fit: the caller stops waiting at the budget, and a late answer still counts.
		return new RedisRetry.RetrySettings(8, delay, 2.0, maxDelay, delay.dividedBy(2));
	}

	/**
	 * Only for a configured id: a generated one is random, so it cannot be shared by accident.
	 */
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnProperty(prefix = "circuitbreaker", name = "instance-id")
	InstanceIdGuard circuitBreakerInstanceIdGuard(RedisConnectionFactory connectionFactory, BreakerKeys keys,
			CircuitBreakerProperties properties) {
		return new InstanceIdGuard(connectionFactory, keys, properties.resolveInstanceId());
	}

	/**
	 * All listener beans, looked up per transition (transitions are rare), so a listener may itself
	 * depend on the registry without a dependency cycle.
	 */
	private static TransitionListener allOf(ObjectProvider<TransitionListener> listeners) {
		return (transition) -> TransitionListener.composite(listeners.orderedStream().toList()).onTransition(transition);
	}

	/**
	 * The breaker talks to Lettuce's asynchronous API on Spring Data Redis's shared connection, so it
	 * can bound each operation with its own short timeout and never blocks reactive callers. Asking
	 * the factory for each operation follows connection resets.
	 */
	@SuppressWarnings("unchecked")
	private static Supplier<RedisClusterAsyncCommands<byte[], byte[]>> lettuceCommands(
			RedisConnectionFactory connectionFactory) {
		if (!(connectionFactory instanceof LettuceConnectionFactory lettuce)) {
			throw new IllegalStateException("The Redis circuit breaker needs Lettuce, but the RedisConnectionFactory is a "
					+ connectionFactory.getClass().getName() + "; set spring.data.redis.client-type=lettuce");
		}
		if (!lettuce.getShareNativeConnection()) {
			throw new IllegalStateException("The Redis circuit breaker needs a LettuceConnectionFactory that shares "
					+ "its native connection (shareNativeConnection=true, the default)");
		}
		return () -> {
			try (RedisConnection connection = lettuce.getConnection()) {
				return (RedisClusterAsyncCommands<byte[], byte[]>) connection.getNativeConnection();
			}
		};
	}

}
