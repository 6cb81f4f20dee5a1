package io.redisbreaker.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.redisbreaker.annotation.CircuitProtected;
import io.redisbreaker.annotation.CircuitProtectedAspect;
import io.redisbreaker.annotation.CircuitProtectedValidator;
import io.redisbreaker.core.BreakerNames;
import io.redisbreaker.core.CircuitBreaker;
import io.redisbreaker.core.CircuitBreakerConfig;
import io.redisbreaker.core.CircuitBreakerConfigs;
import io.redisbreaker.core.CircuitBreakerRegistry;
import io.redisbreaker.core.CircuitState;
import io.redisbreaker.core.TransitionListener;
import io.redisbreaker.core.BreakerStore;
import io.redisbreaker.store.FailoverBreakerStore;
import io.redisbreaker.store.memory.InMemoryBreakerStore;
import io.redisbreaker.store.redis.RedisTransitionSubscriber;
import io.redisbreaker.testsupport.Await;
import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.WithRedisServer;
import org.junit.jupiter.api.Test;

import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static io.redisbreaker.autoconfigure.BreakerTestContexts.messages;
import static io.redisbreaker.autoconfigure.BreakerTestContexts.awaitRedisState;
import static io.redisbreaker.autoconfigure.BreakerTestContexts.redisState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * When the auto-configuration applies, what it backs off for, and how properties reach the breakers.
 */
@WithRedisServer
class CircuitBreakerAutoConfigurationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final RedisServer server;

	private final ApplicationContextRunner runner;

	CircuitBreakerAutoConfigurationTests(RedisServer server) {
		this.server = server;
		this.runner = BreakerTestContexts.runner(server);
	}

	@Test
	void createsTheBreakerInfrastructureWhenRedisIsConfigured() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(CircuitBreakerRegistry.class)
				.hasSingleBean(BreakerStore.class)
				.hasSingleBean(CircuitProtectedAspect.class)
				.hasSingleBean(CircuitProtectedValidator.class)
				.hasSingleBean(RedisTransitionSubscriber.class);
			assertThat(context.getBean(BreakerStore.class)).isInstanceOf(FailoverBreakerStore.class);
			Await.until(WAIT, context.getBean(RedisTransitionSubscriber.class)::isListening,
					"the transition subscriber to listen");

			// The registry really writes to the test's Redis.
			context.getBean(CircuitBreakerRegistry.class).circuitBreaker("autoconfig/probe").forceOpen();
			awaitRedisState(this.server, "autoconfig/probe", "FORCED_OPEN");
		});
	}

	@Test
	void backsOffEntirelyWhenDisabled() {
		this.runner.withPropertyValues("circuitbreaker.enabled=false")
			.withUserConfiguration(ProtectedServiceConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.doesNotHaveBean(CircuitBreakerRegistry.class)
					.doesNotHaveBean(BreakerStore.class)
					.doesNotHaveBean(CircuitProtectedAspect.class)
					.doesNotHaveBean(CircuitProtectedValidator.class)
					.doesNotHaveBean(RedisTransitionSubscriber.class)
					.doesNotHaveBean(CircuitBreakerProperties.class);
				// Annotated beans still work, as plain unprotected beans.
				ProtectedService service = context.getBean(ProtectedService.class);
				assertThat(AopUtils.isAopProxy(service)).isFalse();
				for (int i = 0; i < 3; i++) {
					assertThatIllegalStateException().isThrownBy(service::fail);
				}
				assertThat(service.calls).hasValue(3);
				assertThat(this.server.command("DBSIZE")).isEqualTo(0L);
			});
	}

	@Test
	void backsOffWithoutARedisConnectionFactory() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class,
					CircuitBreakerAutoConfiguration.class, CircuitProtectedAutoConfiguration.class))
			.withUserConfiguration(ProtectedServiceConfiguration.class)
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(CircuitBreakerRegistry.class)
				.doesNotHaveBean(BreakerStore.class)
				.doesNotHaveBean(CircuitProtectedAspect.class)
				.doesNotHaveBean(RedisTransitionSubscriber.class));
	}

	@Test
	void aUserDefinedStoreReplacesTheRedisStore() {
		InMemoryBreakerStore userStore = new InMemoryBreakerStore("user-store");
		this.runner.withBean("userStore", BreakerStore.class, () -> userStore).run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(BreakerStore.class)
				.hasSingleBean(CircuitBreakerRegistry.class);
			assertThat(context.getBean(BreakerStore.class)).isSameAs(userStore);

			CircuitBreaker breaker = context.getBean(CircuitBreakerRegistry.class).circuitBreaker("user-store/probe");
			breaker.forceOpen();

			assertThat(breaker.getState()).isEqualTo(CircuitState.FORCED_OPEN);
			assertThat(userStore.snapshot("user-store/probe", breaker.getConfig()).toCompletableFuture().join().state())
				.isEqualTo(CircuitState.FORCED_OPEN);
			assertThat(this.server.command("EXISTS", "cb:{user-store/probe}")).isEqualTo(0L);
		});
	}

	@Test
	void aUserDefinedRegistryReplacesOursAndTheAspectUsesIt() {
		CircuitBreakerRegistry userRegistry = new CircuitBreakerRegistry(new InMemoryBreakerStore("user-registry"),
				CircuitBreakerConfigs.of(CircuitBreakerConfig.builder().failureThreshold(1).build()),
				TransitionListener.noop(), "user-registry");
		this.runner.withBean("userRegistry", CircuitBreakerRegistry.class, () -> userRegistry)
			.withUserConfiguration(ProtectedServiceConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(CircuitBreakerRegistry.class);
				assertThat(context.getBean(CircuitBreakerRegistry.class)).isSameAs(userRegistry);
				assertThat(context).hasSingleBean(CircuitProtectedAspect.class);

				ProtectedService service = context.getBean(ProtectedService.class);
				assertThatIllegalStateException().isThrownBy(service::fail);
				// The user's registry (failure threshold 1, in memory) decided: one failure opened it.
				assertThat(userRegistry.find(ProtectedService.BREAKER)).isPresent();
				assertThat(userRegistry.circuitBreaker(ProtectedService.BREAKER).getState())
					.isEqualTo(CircuitState.OPEN);
				assertThat(this.server.command("EXISTS", "cb:{" + ProtectedService.BREAKER + "}")).isEqualTo(0L);
			});
	}

	@Test
	void rejectsAFailureThresholdBelowOne() {
		this.runner.withPropertyValues("circuitbreaker.defaults.failure-threshold=0").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(messages(context.getStartupFailure()))
				.contains("Invalid circuitbreaker.defaults.failure-threshold '0': expected at least 1");
		});
	}

	@Test
	void rejectsFewerHalfOpenCallsThanTrialSuccessesNeeded() {
		this.runner
			.withPropertyValues("circuitbreaker.defaults.success-threshold=3",
					"circuitbreaker.instances[payments].half-open-max-calls=2")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(messages(context.getStartupFailure())).contains(
						"Invalid circuitbreaker.instances[payments].half-open-max-calls '2': expected at least "
								+ "circuitbreaker.defaults.success-threshold (3), or a half-open breaker could never close");
			});
	}

	@Test
	void rejectsAnInstanceEntryWhoseKeyIsNotAValidBreakerName() {
		// Brackets keep the key as written, space included, so it reaches the name check.
		this.runner.withPropertyValues("circuitbreaker.instances[bad name].failure-threshold=1").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(messages(context.getStartupFailure())).contains("Invalid circuitbreaker.instances[bad name]",
					"Circuit breaker name 'bad name' has ' ' at position 3",
					BreakerNames.RULES);
		});
	}

	@Test
	void onlyBracketedInstanceKeysKeepSlashes() {
		this.runner
			.withPropertyValues("circuitbreaker.instances[upbit/kr/ticker].failure-threshold=9",
					"circuitbreaker.instances.binance/us/ticker.failure-threshold=8")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				// Boot drops the slashes of an unbracketed map key, so that entry configures no real breaker.
				assertThat(context.getBean(CircuitBreakerProperties.class).getInstances())
					.containsOnlyKeys("upbit/kr/ticker", "binanceusticker");
				CircuitBreakerRegistry registry = context.getBean(CircuitBreakerRegistry.class);
				assertThat(registry.circuitBreaker("upbit/kr/ticker").getConfig().getFailureThreshold()).isEqualTo(9);
				assertThat(registry.circuitBreaker("binance/us/ticker").getConfig().getFailureThreshold())
					.isEqualTo(CircuitBreakerConfig.DEFAULT_FAILURE_THRESHOLD);
			});
	}

	@Test
	void instanceSettingsOverrideTheDefaultsAndInheritTheRest() {
		this.runner
			.withPropertyValues("circuitbreaker.defaults.failure-threshold=7",
					"circuitbreaker.defaults.open-timeout=200ms", "circuitbreaker.defaults.success-threshold=3",
					"circuitbreaker.instances.payments.failure-threshold=2",
					"circuitbreaker.instances.payments.half-open-max-calls=4",
					"circuitbreaker.instances.payments.ignore-exceptions=java.lang.IllegalArgumentException")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				CircuitBreakerRegistry registry = context.getBean(CircuitBreakerRegistry.class);

				CircuitBreakerConfig payments = registry.circuitBreaker("payments").getConfig();
				assertThat(payments.getFailureThreshold()).isEqualTo(2);
				assertThat(payments.getHalfOpenMaxCalls()).isEqualTo(4);
				assertThat(payments.getIgnoreExceptions()).containsExactly(IllegalArgumentException.class);
				// Inherited from circuitbreaker.defaults ...
				assertThat(payments.getOpenTimeout()).isEqualTo(Duration.ofMillis(200));
				assertThat(payments.getSuccessThreshold()).isEqualTo(3);
				// ... and from the built-in defaults where neither sets a value.
				assertThat(payments.getSlidingWindow()).isEqualTo(CircuitBreakerConfig.DEFAULT_SLIDING_WINDOW);
				assertThat(payments.getMinimumCalls()).isEqualTo(CircuitBreakerConfig.DEFAULT_MINIMUM_CALLS);

				CircuitBreakerConfig other = registry.circuitBreaker("other").getConfig();
				assertThat(other.getFailureThreshold()).isEqualTo(7);
				assertThat(other.getHalfOpenMaxCalls()).isEqualTo(CircuitBreakerConfig.DEFAULT_HALF_OPEN_MAX_CALLS);
				assertThat(other.getIgnoreExceptions()).isEmpty();
				assertThat(other.getOpenTimeout()).isEqualTo(Duration.ofMillis(200));
			});
	}

	@Test
	void keyPrefixPutsEveryKeyAndTheIndexUnderIt() {
		this.runner
			.withPropertyValues("circuitbreaker.key-prefix=orders-app:cb:",
					"circuitbreaker.defaults.failure-threshold=1")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				CircuitBreaker breaker = context.getBean(CircuitBreakerRegistry.class).circuitBreaker("prefixed");
				assertThatIllegalStateException().isThrownBy(() -> breaker.executeRunnable(() -> {
					throw new IllegalStateException("down");
				}));

				assertThat(breaker.getState()).isEqualTo(CircuitState.OPEN);
				assertThat(this.server.command("HGET", "orders-app:cb:{prefixed}", "state")).isEqualTo("OPEN");
				assertThat(this.server.command("EXISTS", "cb:{prefixed}")).isEqualTo(0L);
				Await.until(WAIT,
						() -> this.server.command("ZSCORE", "orders-app:cb:index", "prefixed") != null,
						"the breaker to be listed in the prefixed index");
				assertThat(this.server.command("EXISTS", "cb:index")).isEqualTo(0L);
				// The test's own server holds only this test's keys, so one SCAN pass sees them all.
				List<?> scan = (List<?>) this.server.command("SCAN", "0", "COUNT", "1000");
				assertThat(scan.get(0)).isEqualTo("0");
				assertThat((List<?>) scan.get(1)).isNotEmpty()
					.allSatisfy((key) -> assertThat(key).asString().startsWith("orders-app:cb:"));
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class ProtectedServiceConfiguration {

		@Bean
		ProtectedService protectedService() {
			return new ProtectedService();
		}

	}

	static class ProtectedService {

		static final String BREAKER = "autoconfig/protected";

		final AtomicInteger calls = new AtomicInteger();

		@CircuitProtected(name = BREAKER)
		public String fail() {
			this.calls.incrementAndGet();
			throw new IllegalStateException("down");
		}

	}

}
