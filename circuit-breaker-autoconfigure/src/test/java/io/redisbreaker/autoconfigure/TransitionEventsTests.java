package io.redisbreaker.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.redisbreaker.annotation.CircuitProtected;
import io.redisbreaker.core.CircuitBreakerOpenException;
import io.redisbreaker.core.CircuitBreakerRegistry;
import io.redisbreaker.core.CircuitState;
import io.redisbreaker.core.StateTransition;
import io.redisbreaker.event.CircuitBreakerTransitionEvent;
import io.redisbreaker.store.redis.RedisTransitionSubscriber;
import io.redisbreaker.testsupport.Await;
import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.TcpProxy;
import io.redisbreaker.testsupport.WithRedisServer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Two application instances sharing one Redis: a transition one of them makes is published to its own
 * listeners at once ({@code local}) and reaches the other through Redis Pub/Sub ({@code !local}, with
 * the first one's instance id as origin).
 */
@WithRedisServer
class TransitionEventsTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final String BREAKER = PaymentService.BREAKER;

	private final RedisServer server;

	TransitionEventsTests(RedisServer server) {
		this.server = server;
	}

	@Test
	void transitionIsLocalWhereItHappensAndRemoteOnTheOtherInstance() {
		instance("instance-a").run((a) -> instance("instance-b").run((b) -> {
			awaitBothSubscribed(a, b);
			PaymentService paymentsA = a.getBean(PaymentService.class);
			assertThatIllegalStateException().isThrownBy(() -> paymentsA.pay(true));
			assertThatIllegalStateException().isThrownBy(() -> paymentsA.pay(true));

			StateTransition local = awaitTransition(a, CircuitState.OPEN);
			assertThat(local.local()).isTrue();
			assertThat(local.origin()).isEqualTo("instance-a");
			assertThat(local.from()).isEqualTo(CircuitState.CLOSED);
			assertThat(local.reason()).isEqualTo("failures: 2/2");

			StateTransition remote = awaitTransition(b, CircuitState.OPEN);
			assertThat(remote.local()).isFalse();
			assertThat(remote.origin()).isEqualTo("instance-a");
			assertThat(remote).usingRecursiveComparison().ignoringFields("local").isEqualTo(local);

			// B shares the state: it rejects calls without running them.
			PaymentService paymentsB = b.getBean(PaymentService.class);
			assertThat(b.getBean(CircuitBreakerRegistry.class).circuitBreaker(BREAKER).getState())
				.isEqualTo(CircuitState.OPEN);
			assertThatExceptionOfType(CircuitBreakerOpenException.class).isThrownBy(() -> paymentsB.pay(false));
			assertThat(paymentsB.calls()).isZero();
			assertThat(b.getBean(Transitions.class).all()).containsExactly(remote);
		}));
	}

	@Test
	void anInstanceHearsItsOwnTransitionsOnceThoughRedisSendsThemBack() {
		instance("instance-a").run((a) -> instance("instance-b").run((b) -> {
			awaitBothSubscribed(a, b);
			a.getBean(CircuitBreakerRegistry.class).circuitBreaker(BREAKER).forceOpen();
			awaitTransition(b, CircuitState.FORCED_OPEN);

			// A's own message was published before B's, on the connection A hears B's on; so once A
			// has heard B's transition, it has also received (and skipped) its own.
			b.getBean(CircuitBreakerRegistry.class).circuitBreaker(BREAKER).forceClose();
			StateTransition fromB = awaitTransition(a, CircuitState.CLOSED);
			assertThat(fromB.local()).isFalse();
			assertThat(fromB.origin()).isEqualTo("instance-b");
			assertThat(fromB.from()).isEqualTo(CircuitState.FORCED_OPEN);

			assertThat(a.getBean(Transitions.class).all()).extracting(StateTransition::to, StateTransition::local,
					StateTransition::origin)
				.containsExactly(tuple(CircuitState.FORCED_OPEN, true, "instance-a"),
						tuple(CircuitState.CLOSED, false, "instance-b"));
		}));
	}

	@Test
	void forceOpenOnOneInstanceRejectsCallsOnTheOther() {
		instance("instance-a").run((a) -> instance("instance-b").run((b) -> {
			awaitBothSubscribed(a, b);
			CircuitState state = a.getBean(CircuitBreakerRegistry.class).circuitBreaker(BREAKER).forceOpen();
			assertThat(state).isEqualTo(CircuitState.FORCED_OPEN);

			// The state lives in Redis, so B reads it at once; B's calls obey it as soon as the message
			// arrives, and without it once B's view is max-staleness old.
			assertThat(b.getBean(CircuitBreakerRegistry.class).circuitBreaker(BREAKER).getState())
				.isEqualTo(CircuitState.FORCED_OPEN);
			PaymentService paymentsB = b.getBean(PaymentService.class);
			Await.until(WAIT, () -> b.getBean(CircuitBreakerRegistry.class).circuitBreaker(BREAKER)
				.tryAcquirePermission()
				.map((permit) -> {
					permit.release();
					return false;
				})
				.orElse(true), "B to reject calls");
			assertThatExceptionOfType(CircuitBreakerOpenException.class).isThrownBy(() -> paymentsB.pay(false))
				.satisfies((ex) -> {
					assertThat(ex.getState()).isEqualTo(CircuitState.FORCED_OPEN);
					assertThat(ex.getRetryAfter()).isNull();
				});
			assertThat(paymentsB.calls()).isZero();

			StateTransition local = awaitTransition(a, CircuitState.FORCED_OPEN);
			assertThat(local.local()).isTrue();
			assertThat(local.reason()).isEqualTo("forced open");
			StateTransition remote = awaitTransition(b, CircuitState.FORCED_OPEN);
			assertThat(remote.local()).isFalse();
			assertThat(remote.origin()).isEqualTo("instance-a");
			assertThat(remote.reason()).isEqualTo("forced open");
			assertThat(remote.epoch()).isEqualTo(local.epoch());
		}));
	}

	// Remote transitions update the state the local fallback starts from: B never called the breaker
	// itself, heard A open it, then lost Redis; its local breaker starts open, not closed.
	@Test
	void anInstanceThatLosesRedisStartsFromTheTransitionsItHeard() {
		try (TcpProxy network = TcpProxy.start(this.server)) {
			instance("instance-a").run((a) -> instance("instance-b")
				.withPropertyValues("spring.data.redis.port=" + network.port(), "circuitbreaker.redis-timeout=250ms",
						"circuitbreaker.redis-slow-threshold=100ms")
				.run((b) -> {
					awaitBothSubscribed(a, b);
					PaymentService paymentsA = a.getBean(PaymentService.class);
					assertThatIllegalStateException().isThrownBy(() -> paymentsA.pay(true));
					assertThatIllegalStateException().isThrownBy(() -> paymentsA.pay(true));
					awaitTransition(b, CircuitState.OPEN);

					network.blackhole();
					PaymentService paymentsB = b.getBean(PaymentService.class);
					assertThatExceptionOfType(CircuitBreakerOpenException.class).isThrownBy(() -> paymentsB.pay(false));
					assertThatExceptionOfType(CircuitBreakerOpenException.class).isThrownBy(() -> paymentsB.pay(false));
					assertThat(paymentsB.calls()).as("calls B let through without Redis").isZero();
					network.resume();
				}));
		}
	}

	private ApplicationContextRunner instance(String instanceId) {
		return BreakerTestContexts.runner(this.server)
			.withPropertyValues("circuitbreaker.instance-id=" + instanceId,
					"circuitbreaker.defaults.failure-threshold=2",
					"circuitbreaker.defaults.open-timeout=1m")
			.withUserConfiguration(InstanceConfiguration.class);
	}

	private void awaitBothSubscribed(AssertableApplicationContext a, AssertableApplicationContext b) {
		assertThat(a).hasNotFailed();
		assertThat(b).hasNotFailed();
		Await.until(WAIT, () -> a.getBean(RedisTransitionSubscriber.class).isListening()
				&& b.getBean(RedisTransitionSubscriber.class).isListening(),
				"both instances to listen for transitions");
		Await.until(WAIT, () -> {
			List<?> reply = (List<?>) this.server.command("PUBSUB", "NUMSUB", "cb:transitions");
			return Long.valueOf(2).equals(reply.get(1));
		}, "two subscribers on cb:transitions");
	}

	private static StateTransition awaitTransition(AssertableApplicationContext context, CircuitState to) {
		Transitions transitions = context.getBean(Transitions.class);
		return Await.value(WAIT, () -> transitions.find(BREAKER, to), Objects::nonNull,
				"a transition of " + BREAKER + " to " + to + " on " + context.getEnvironment()
					.getProperty("circuitbreaker.instance-id") + " (seen: " + transitions.all() + ")");
	}

	@Configuration(proxyBeanMethods = false)
	static class InstanceConfiguration {

		@Bean
		Transitions transitions() {
			return new Transitions();
		}

		@Bean
		PaymentService paymentService() {
			return new PaymentService();
		}

	}

	/** Collects every transition event this application context publishes. */
	static class Transitions {

		private final List<StateTransition> seen = new CopyOnWriteArrayList<>();

		@EventListener
		void on(CircuitBreakerTransitionEvent event) {
			this.seen.add(event.getTransition());
		}

		List<StateTransition> all() {
			return List.copyOf(this.seen);
		}

		@Nullable StateTransition find(String breaker, CircuitState to) {
			return this.seen.stream()
				.filter((transition) -> transition.circuitBreakerName().equals(breaker) && transition.to() == to)
				.findFirst()
				.orElse(null);
		}

	}

	static class PaymentService {

		static final String BREAKER = "events/payments";

		private final AtomicInteger calls = new AtomicInteger();

		@CircuitProtected(name = BREAKER)
		public String pay(boolean fail) {
			this.calls.incrementAndGet();
			if (fail) {
				throw new IllegalStateException("payments down");
			}
			return "paid";
		}

		int calls() {
			return this.calls.get();
		}

	}

}
