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
import io.redisbreaker.core.Consistency;
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
import io.redisbreaker.testsupport.TcpProxy;
import io.redisbreaker.testsupport.WithRedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Redis stops or stalls under running breakers: the policy decides, no call waits on Redis, and the
 * shared state rules again once Redis is back.
 */
@WithRedisServer
@ExtendWith(OutputCaptureExtension.class)
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
		return breaker(policy, this.server.uri());
	}

	private CircuitBreaker breaker(RedisFailurePolicy policy, String uri) {
		return breaker(policy, uri, Consistency.STRICT);
	}

	private CircuitBreaker breaker(RedisFailurePolicy policy, String uri, Consistency consistency) {
		this.client = RedisClient.create(uri);
		var connection = this.client.connect(ByteArrayCodec.INSTANCE);
		RedisBreakerStore shared = new RedisBreakerStore(connection::async, new BreakerKeys("cb:"), "a",
				Duration.ofHours(1));
		this.store = new FailoverBreakerStore(shared, new InMemoryBreakerStore("a"),
				FailoverOptions.builder().policy(policy).probeInterval(Duration.ofMillis(100)).build(), this.transitions::add);
		// Strict unless said otherwise: these tests follow each call into the failover store.
		CircuitBreakerConfig config = CircuitBreakerConfig.builder()
			.consistency(consistency)
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

	/**
	 * Bounded: while Redis is away the view goes stale and the local breaker decides (its batches count
	 * there); once Redis is back the view follows the shared state again, which the local opening was
	 * reconciled into.
	 */
	@Test
	void aBoundedBreakerKeepsProtectingThroughAnOutageAndFollowsRedisAgain() {
		CircuitBreaker breaker = breaker(RedisFailurePolicy.LOCAL, this.server.uri(), Consistency.BOUNDED);
		breaker.acquirePermission().recordSuccess();
		this.server.stop();
		Await.until(DEADLINE, () -> {
			breaker.tryAcquirePermission().ifPresent(CallPermit::release);
			return !this.store.isRedisAvailable();
		}, "the store to notice the outage");
		for (int i = 0; i < 3; i++) {
			breaker.acquirePermission().recordFailure(new IOException("payment provider down"));
		}
		Await.until(DEADLINE, () -> breaker.tryAcquirePermission().isEmpty(), "the local breaker to open");

		this.server.start();
		Await.until(DEADLINE, this.store::isRedisAvailable, "the store to use Redis again");
		Await.until(DEADLINE, () -> "OPEN".equals(this.server.command("HGET", "cb:{payments}", "state")),
				"the local opening to reach Redis");
		// The view follows Redis: an operator's close there admits calls here within max-staleness.
		assertThat(breaker.forceClose()).isEqualTo(CircuitState.CLOSED);
		Await.until(DEADLINE, () -> breaker.tryAcquirePermission().map((permit) -> {
			permit.recordSuccess();
			return true;
		}).orElse(false), "calls admitted again after the close");
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

	// Defect 15: one WARN when Redis goes, naming the real cause (not the breaker's timeout), one INFO
	// when it returns, nothing at WARN in between.
	@Test
	void anOutageIsLoggedOnceWithItsRealCause(CapturedOutput output) {
		CircuitBreaker breaker = breaker(RedisFailurePolicy.ALLOW);
		breaker.acquirePermission().recordSuccess();
		this.server.stop();
		for (int i = 0; i < 20; i++) {
			breaker.acquirePermission().recordSuccess();
		}
		Await.until(DEADLINE, () -> output.getOut().contains("Redis is unavailable for circuit breakers"),
				"the outage to be logged");
		Await.until(DEADLINE, () -> this.store.getFailedProbes() >= 3, "a few probes of the stopped server");
		assertThat(output.getOut().lines().filter((line) -> line.contains("Redis is unavailable for circuit breakers")))
			.singleElement()
			.satisfies((line) -> assertThat(line).containsIgnoringCase("refused").doesNotContain("no answer within"));
		this.server.start();
		Await.until(DEADLINE, () -> output.getOut().contains("Redis answers again; circuit"),
				"the return of Redis to be logged");
		assertThat(this.store.isRedisAvailable()).isTrue();
		assertThat(output.getOut().lines().filter((line) -> line.contains("Redis answers again; circuit"))).hasSize(1);
		assertThat(output.getOut().lines().filter((line) -> line.contains("Redis is unavailable for circuit breakers")))
			.hasSize(1);
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

	@Test
	void outcomesOfLocalPermitsReportedAfterRecoveryLeaveNothingForTheNextOutage() {
		CircuitBreaker breaker = breaker(RedisFailurePolicy.LOCAL);
		breaker.acquirePermission().recordSuccess();
		this.server.stop();
		// Three calls start during the outage, on local permits ...
		CallPermit a = breaker.acquirePermission();
		CallPermit b = breaker.acquirePermission();
		CallPermit c = breaker.acquirePermission();
		assertThat(this.store.isRedisAvailable()).isFalse();
		this.server.start();
		Await.until(DEADLINE, this.store::isRedisAvailable, "the store to use Redis again");
		// ... and fail after Redis is back.
		a.recordFailure(new IOException("late"));
		b.recordFailure(new IOException("late"));
		c.recordFailure(new IOException("late"));
		assertThat(breaker.getState()).isEqualTo(CircuitState.CLOSED);
		// A second outage starts from the shared state, not from those stale outcomes.
		this.server.stop();
		breaker.tryAcquirePermission();
		assertThat(this.store.isRedisAvailable()).isFalse();
		assertThat(breaker.tryAcquirePermission()).as("the first calls of a new outage").isPresent();
	}

	@Test
	void aShortStallKeepsAnOpenBreakerOpen() {
		CircuitBreaker breaker = breaker(RedisFailurePolicy.LOCAL);
		for (int i = 0; i < 3; i++) {
			breaker.acquirePermission().recordFailure(new IOException("payment provider down"));
		}
		assertThat(breaker.tryAcquirePermission()).isEmpty();
		// One slow moment (or a long GC pause) makes the local breaker take over ...
		this.server.command("CLIENT", "PAUSE", "400", "ALL");
		breaker.tryAcquirePermission();
		assertThat(this.store.isRedisAvailable()).isFalse();
		// ... where the shared one was: open.
		assertThat(breaker.tryAcquirePermission()).as("calls while the shared breaker is open").isEmpty();
	}

	@Test
	void reconcilingDoesNotReopenABreakerThatOthersClosedMeanwhile() {
		try (TcpProxy network = TcpProxy.start(this.server)) {
			CircuitBreaker breaker = breaker(RedisFailurePolicy.LOCAL, network.uri());
			breaker.acquirePermission().recordSuccess();
			network.blackhole();
			for (int i = 0; i < 3; i++) {
				breaker.acquirePermission().recordFailure(new IOException("down, as seen from this instance"));
			}
			assertThat(this.store.isRedisAvailable()).isFalse();
			assertThat(breaker.tryAcquirePermission()).isEmpty();
			// Meanwhile other instances opened and closed the shared breaker: a newer epoch.
			this.server.command("HSET", "cb:{payments}", "state", "CLOSED", "epoch", "2");
			network.resume();
			Await.until(DEADLINE, this.store::isRedisAvailable, "the store to use Redis again");
			assertThat(this.server.command("HGET", "cb:{payments}", "state")).isEqualTo("CLOSED");
			assertThat(breaker.acquirePermission().getState()).isEqualTo(CircuitState.CLOSED);
		}
	}

}
