package io.redisbreaker.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

import io.redisbreaker.core.CircuitBreaker;
import io.redisbreaker.core.CircuitBreakerRegistry;
import io.redisbreaker.core.CircuitState;
import io.redisbreaker.core.StateTransition;
import io.redisbreaker.core.TransitionListener;
import io.redisbreaker.store.FailoverBreakerStore;
import io.redisbreaker.store.redis.BreakerKeys;
import io.redisbreaker.store.redis.InstanceIdGuard;
import io.redisbreaker.store.redis.RedisTransitionSubscriber;
import io.redisbreaker.testsupport.Await;
import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.TestCertificates;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The whole starter against a Redis that wants credentials or TLS, and the proof that every
 * connection it opens gets through: the breaker store (a trip lands in Redis), the startup checks
 * (the context starts, or fails naming what Redis refused), the transition subscriber (a second
 * instance hears the first one's transition) and the instance-id guard (each instance holds its key).
 */
final class SecuredRedis {

	static final String BREAKER = "secured/payments";

	static final BreakerKeys KEYS = new BreakerKeys(BreakerKeys.DEFAULT_PREFIX);

	static final Duration WAIT = Duration.ofSeconds(20);

	private SecuredRedis() {
	}

	/**
	 * The starter's auto-configuration with Spring Boot's Redis and SSL bundles, against {@code server}:
	 * two failures open {@link #BREAKER} for a minute.
	 */
	static ApplicationContextRunner runner(RedisServer server) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, DataRedisAutoConfiguration.class,
					RedisClientAutoConfiguration.class, CircuitBreakerAutoConfiguration.class))
			.withUserConfiguration(HeardConfiguration.class)
			.withPropertyValues("spring.data.redis.host=" + server.host(), "spring.data.redis.port=" + server.port(),
					// TLS handshakes on a loaded machine answered slower than the 100 ms default three times in
					// a row: the failures then counted in the local fallback, never in Redis (seen in a clean-clone
					// CI run). These tests are about TLS, not the slow-answer rule.
					"circuitbreaker.redis-timeout=5s", "circuitbreaker.redis-slow-threshold=5s",
					"circuitbreaker.defaults.failure-threshold=2", "circuitbreaker.defaults.open-timeout=1m");
	}

	/** Spring Boot's SSL bundle {@code redis} trusting the test authority, used by the Redis client. */
	static String[] sslBundle(TestCertificates certificates) {
		return new String[] { "spring.ssl.bundle.pem.redis.truststore.certificate=file:" + certificates.caCertificate(),
				"spring.data.redis.ssl.enabled=true", "spring.data.redis.ssl.bundle=redis" };
	}

	/**
	 * Two instances on {@code runner}: instance a trips the breaker, the state lands in Redis, b hears
	 * the transition over Pub/Sub and rejects calls; b resets the breaker and a hears that. Both hold
	 * their instance key and decide with Redis throughout.
	 */
	static void tripHearAndReset(RedisServer server, ApplicationContextRunner runner) {
		runner.withPropertyValues("circuitbreaker.instance-id=a").run((a) -> runner
			.withPropertyValues("circuitbreaker.instance-id=b")
			.run((b) -> {
				awaitListening(server, a, b);
				CircuitBreaker breakerA = breaker(a);
				failTwice(breakerA);
				BreakerTestContexts.awaitRedisState(server, BREAKER, "OPEN");
				StateTransition opened = heard(b).await(CircuitState.OPEN, "a");
				assertThat(opened.from()).isEqualTo(CircuitState.CLOSED);
				assertThat(breaker(b).getState()).isEqualTo(CircuitState.OPEN);

				assertThat(breaker(b).reset()).isEqualTo(CircuitState.CLOSED);
				BreakerTestContexts.awaitRedisState(server, BREAKER, "CLOSED");
				heard(a).await(CircuitState.CLOSED, "b");
				assertThat(breakerA.executeSupplier(() -> "paid")).isEqualTo("paid");

				Await.until(WAIT, () -> Long.valueOf(2).equals(server.command("EXISTS",
						InstanceIdGuard.key(KEYS, "a"), InstanceIdGuard.key(KEYS, "b"))), "both instance keys in Redis");
				assertThat(a.getBean(FailoverBreakerStore.class).isRedisAvailable()).as("a decides with Redis").isTrue();
				assertThat(b.getBean(FailoverBreakerStore.class).isRedisAvailable()).as("b decides with Redis").isTrue();
			}));
	}

	/** Two failed calls: enough to open {@link #BREAKER}. */
	static void failTwice(CircuitBreaker breaker) {
		for (int i = 0; i < 2; i++) {
			assertThatIllegalStateException().isThrownBy(() -> breaker.executeSupplier(() -> {
				throw new IllegalStateException("payments down");
			}));
		}
	}

	static CircuitBreaker breaker(AssertableApplicationContext context) {
		return context.getBean(CircuitBreakerRegistry.class).circuitBreaker(BREAKER);
	}

	static Heard heard(AssertableApplicationContext context) {
		return context.getBean(Heard.class);
	}

	private static void awaitListening(RedisServer server, AssertableApplicationContext a,
			AssertableApplicationContext b) {
		assertThat(a).hasNotFailed();
		assertThat(b).hasNotFailed();
		Await.until(WAIT, () -> a.getBean(RedisTransitionSubscriber.class).isListening()
				&& b.getBean(RedisTransitionSubscriber.class).isListening(), "both instances to listen for transitions");
		Await.until(WAIT, () -> {
			List<?> reply = (List<?>) server.command("PUBSUB", "NUMSUB", KEYS.transitionChannel());
			return Long.valueOf(2).equals(reply.get(1));
		}, "two subscribers on " + KEYS.transitionChannel());
	}

	@Configuration(proxyBeanMethods = false)
	static class HeardConfiguration {

		@Bean
		Heard heard() {
			return new Heard();
		}

	}

	/** The transitions this instance heard from other instances over Pub/Sub. */
	static final class Heard implements TransitionListener {

		private final List<StateTransition> remote = new CopyOnWriteArrayList<>();

		@Override
		public void onTransition(StateTransition transition) {
			if (!transition.local()) {
				this.remote.add(transition);
			}
		}

		StateTransition await(CircuitState to, String origin) {
			return Await.value(WAIT, () -> find(to, origin), Objects::nonNull,
					"a transition of " + BREAKER + " to " + to + " from instance " + origin + " (heard: " + this.remote + ")");
		}

		private @Nullable StateTransition find(CircuitState to, String origin) {
			return this.remote.stream()
				.filter((t) -> t.circuitBreakerName().equals(BREAKER) && t.to() == to && t.origin().equals(origin))
				.findFirst()
				.orElse(null);
		}

	}

}
