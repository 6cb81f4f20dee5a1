package io.redisbreaker.store;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.lettuce.core.RedisClient;
import io.lettuce.core.codec.ByteArrayCodec;
import io.redisbreaker.core.CallPermit;
import io.redisbreaker.core.CircuitBreaker;
import io.redisbreaker.core.CircuitBreakerConfig;
import io.redisbreaker.core.CircuitBreakerConfigs;
import io.redisbreaker.core.CircuitBreakerOpenException;
import io.redisbreaker.core.CircuitBreakerRegistry;
import io.redisbreaker.core.CircuitState;
import io.redisbreaker.core.StateTransition;
import io.redisbreaker.store.memory.InMemoryBreakerStore;
import io.redisbreaker.store.redis.BreakerKeys;
import io.redisbreaker.store.redis.RedisBreakerStore;
import io.redisbreaker.testsupport.Await;
import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.WithRedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Redis stops or stalls under running breakers: the policy decides, no call waits on Redis, and the
 * shared state rules again once Redis is back.
 */
@WithRedisServer
class FailoverBreakerStoreTests {

	private static final Duration DEADLINE = Duration.ofSeconds(20);

	private final RedisServer server;

	private final List<StateTransition> transitions = new CopyOnWriteArrayList<>();

	private RedisClient client;

	private FailoverBreakerStore store;

	FailoverBreakerStoreTests(RedisServer server) {
		this.server = server;
	}

	@AfterEach
	void restore() {
		if (this.store != null) {
			this.store.close();
		}
		if (this.client != null) {
			this.client.shutdown();
		}
		if (!this.server.isRunning()) {
			this.server.start();
		}
	}

	private CircuitBreaker breaker(RedisFailurePolicy policy) {
		this.client = RedisClient.create(this.server.uri());
		var connection = this.client.connect(ByteArrayCodec.INSTANCE);
		RedisBreakerStore shared = new RedisBreakerStore(connection::async, new BreakerKeys("cb:"), "a",
				Duration.ofHours(1));
		this.store = new FailoverBreakerStore(shared, new InMemoryBreakerStore("a"), policy, Duration.ofMillis(250),
				Duration.ofMillis(100), this.transitions::add);
		CircuitBreakerConfig config = CircuitBreakerConfig.builder()
			.failureThreshold(3)
			.openTimeout(Duration.ofSeconds(30))
			.minimumCalls(1000)
			.build();
		return new CircuitBreakerRegistry(this.store, CircuitBreakerConfigs.of(config), this.transitions::add, "a")
			.circuitBreaker("payments");
	}

	@Test
	void localPolicyKeepsProtectingAndOpensTheSharedBreakerWhenRedisReturns() {
		CircuitBreaker breaker = breaker(RedisFailurePolicy.LOCAL);
		breaker.acquirePermission().recordSuccess();
		this.server.stop();

		CallPermit duringOutage = breaker.acquirePermission();
		assertThat(this.store.isRedisAvailable()).isFalse();
		duringOutage.recordFailure(new IOException("payment provider down"));
		breaker.acquirePermission().recordFailure(new IOException("payment provider down"));
		breaker.acquirePermission().recordFailure(new IOException("payment provider down"));
		assertThatExceptionOfType(CircuitBreakerOpenException.class).isThrownBy(breaker::acquirePermission)
			.satisfies((ex) -> assertThat(ex.getState()).isEqualTo(CircuitState.OPEN));
		assertThat(this.transitions).singleElement().satisfies((t) -> assertThat(t.to()).isEqualTo(CircuitState.OPEN));

		this.server.start();
		Await.until(DEADLINE, this.store::isRedisAvailable, "the store to use Redis again");
		assertThat(this.server.command("HGET", "cb:{payments}", "state")).isEqualTo("OPEN");
		assertThat(this.server.command("HGET", "cb:{payments}", "reason"))
			.isEqualTo("opened locally during a Redis outage");
		assertThatExceptionOfType(CircuitBreakerOpenException.class).isThrownBy(breaker::acquirePermission);
		assertThat(this.transitions).hasSize(2);
	}

	@Test
	void localPolicyDropsWhatItLearnedWhenTheSharedStateDisagrees() {
		CircuitBreaker breaker = breaker(RedisFailurePolicy.LOCAL);
		breaker.getSnapshot();
		this.server.stop();
		breaker.acquirePermission().recordFailure(new IOException("one failure, not enough to open"));
		this.server.start();
		Await.until(DEADLINE, this.store::isRedisAvailable, "the store to use Redis again");
		assertThat(breaker.getSnapshot().calls()).isZero();
		assertThat(breaker.getState()).isEqualTo(CircuitState.CLOSED);
	}

	@Test
	void allowPolicyPermitsEveryCallWhileRedisIsDown() {
		CircuitBreaker breaker = breaker(RedisFailurePolicy.ALLOW);
		this.server.stop();
		for (int i = 0; i < 10; i++) {
			breaker.acquirePermission().recordFailure(new IOException("down"));
		}
		assertThat(this.store.isRedisAvailable()).isFalse();
		assertThat(this.transitions).isEmpty();
	}

	@Test
	void denyPolicyRejectsEveryCallWhileRedisIsDown() {
		CircuitBreaker breaker = breaker(RedisFailurePolicy.DENY);
		this.server.stop();
		assertThatExceptionOfType(CircuitBreakerOpenException.class).isThrownBy(breaker::acquirePermission)
			.withMessageContaining("breaker store unavailable");
		this.server.start();
		Await.until(DEADLINE, this.store::isRedisAvailable, "the store to use Redis again");
		assertThat(breaker.acquirePermission().getState()).isEqualTo(CircuitState.CLOSED);
	}

	@Test
	void aStalledRedisDoesNotHoldUpTheCall() {
		CircuitBreaker breaker = breaker(RedisFailurePolicy.LOCAL);
		breaker.acquirePermission().recordSuccess();
		this.server.command("CLIENT", "PAUSE", "3000", "ALL");
		long started = System.nanoTime();
		CallPermit permit = breaker.acquirePermission();
		Duration waited = Duration.ofNanos(System.nanoTime() - started);
		permit.recordSuccess();
		// The 250 ms breaker timeout answered, not the 3 s pause.
		assertThat(waited).isLessThan(Duration.ofMillis(2000));
		assertThat(this.store.isRedisAvailable()).isFalse();
		Await.until(DEADLINE, this.store::isRedisAvailable, "the store to use Redis again after the pause");
	}

}
