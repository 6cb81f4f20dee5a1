package io.redisbreaker.core;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.lettuce.core.RedisClient;
import io.lettuce.core.codec.ByteArrayCodec;
import io.redisbreaker.store.redis.BreakerKeys;
import io.redisbreaker.store.redis.RedisBreakerStore;
import io.redisbreaker.testsupport.Await;
import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.WithRedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Consistency {@code bounded} against a real Redis: instances are registries with Redis clients of
 * their own and no Pub/Sub subscriber, so every change they see reached them through the periodic
 * reads of their local views, the path a lost message leaves.
 */
@WithRedisServer
class BoundedConsistencyTests {

	private static final Duration DEADLINE = Duration.ofSeconds(10);

	private static final ViewOptions VIEWS = new ViewOptions(Duration.ofMillis(300), Duration.ofMillis(50));

	private final RedisServer server;

	private final List<RedisClient> clients = new ArrayList<>();

	private final List<CircuitBreakerRegistry> registries = new ArrayList<>();

	private final List<StateTransition> transitions = new CopyOnWriteArrayList<>();

	BoundedConsistencyTests(RedisServer server) {
		this.server = server;
	}

	@BeforeEach
	void flush() {
		this.server.command("FLUSHALL");
	}

	@AfterEach
	void close() {
		this.registries.forEach(CircuitBreakerRegistry::close);
		this.clients.forEach(RedisClient::shutdown);
	}

	@Test
	void aTripOnOneInstanceIsObeyedByAnotherWithoutAnyMessage() {
		CircuitBreaker a = instance("a", VIEWS, config().build()).circuitBreaker("tripped");
		CircuitBreaker b = instance("b", VIEWS, config().build()).circuitBreaker("tripped");
		b.executeSupplier(() -> "ok");
		assertThat(b.viewState()).isEqualTo(CircuitState.CLOSED);
		fail(a, 3);
		Await.until(DEADLINE, () -> "OPEN".equals(this.server.command("HGET", "cb:{tripped}", "state")),
				"a's failures to open the shared breaker");
		// No message reaches b: its view's next read brings the trip (the bound itself, max-staleness,
		// is checked against explicit clock readings in LocalViewTests).
		Await.until(DEADLINE, () -> b.tryAcquirePermission().map((permit) -> {
			permit.release();
			return false;
		}).orElse(true), "b to reject without any message");
		assertThat(b.viewState()).isEqualTo(CircuitState.OPEN);
	}

	@Test
	void failuresOfTwoInstancesBelowTheThresholdEachAddUpToOpenTheSharedBreaker() {
		CircuitBreaker a = instance("a", VIEWS, config().failureThreshold(4).build()).circuitBreaker("shared/run");
		CircuitBreaker b = instance("b", VIEWS, config().failureThreshold(4).build()).circuitBreaker("shared/run");
		fail(a, 2);
		fail(b, 2);
		Await.until(DEADLINE, () -> a.getSnapshot().state() == CircuitState.OPEN,
				"two runs of two failures, one per instance, to open a breaker of four");
		assertThat(a.getSnapshot().reason()).isEqualTo("failures: 4/4");
	}

	@Test
	void failuresThatCouldCrossTheThresholdAreSentAtOnceNotAtTheNextFlush() {
		// The periodic flush is a minute away; the third failure must not wait for it.
		ViewOptions slow = new ViewOptions(Duration.ofMinutes(3), Duration.ofMinutes(1));
		CircuitBreaker a = instance("a", slow, config().build()).circuitBreaker("burst");
		a.executeSupplier(() -> "ok");
		fail(a, 2);
		assertThat(this.server.command("HGET", "cb:{burst}", "state")).isNull();
		fail(a, 1);
		Await.until(DEADLINE, () -> "OPEN".equals(this.server.command("HGET", "cb:{burst}", "state")),
				"the burst of failures to be sent at once");
		Await.until(DEADLINE, () -> a.tryAcquirePermission().isEmpty(), "the instance to reject");
	}

	/**
	 * The instance whose failures open the breaker rejects its very next call, even while the flusher
	 * (every 3 ms here) takes batches at the same moment as the failing caller.
	 */
	@Test
	void theInstanceWhoseFailuresOpenTheBreakerRejectsItsVeryNextCall() {
		CircuitBreaker breaker = instance("a", new ViewOptions(Duration.ofMillis(10), Duration.ofMillis(3)),
				config().build()).circuitBreaker("own/trip");
		for (int round = 0; round < 200; round++) {
			breaker.reset();
			breaker.executeSupplier(() -> "ok");
			fail(breaker, 3);
			String before = String.valueOf(breaker.view());
			assertThat(breaker.tryAcquirePermission()).as("the call after the trip, round " + round + ": " + before
					+ " / now " + String.valueOf(breaker.view())).isEmpty();
		}
	}

	/**
	 * The blast-radius guard: with minimum-failing-instances 2, an instance failing alone opens for itself,
	 * the fleet keeps calling, and a second failing instance opens the shared breaker for all.
	 */
	@Test
	void anInstanceFailingBelowTheQuorumProtectsItselfAndASecondOneOpensTheBreakerForAll() {
		CircuitBreakerConfig guarded = config().minimumFailingInstances(2).build();
		CircuitBreaker a = instance("a", VIEWS, guarded).circuitBreaker("guarded");
		CircuitBreaker b = instance("b", VIEWS, guarded).circuitBreaker("guarded");
		b.executeSupplier(() -> "ok");
		fail(a, 3);
		Await.until(DEADLINE, () -> a.getOpenHereOnly() != null, "a to open for itself");
		assertThat(a.getOpenHereOnly()).isEqualTo("failures: 3/3, but only 1 of 2 instances failing");
		assertThat(a.tryAcquirePermission()).isEmpty();
		assertThat(this.server.command("HGET", "cb:{guarded}", "state")).as("the shared state").isNull();
		assertThat(b.executeSupplier(() -> "ok")).as("the fleet keeps calling").isEqualTo("ok");
		assertThat(b.getOpenHereOnly()).isNull();

		// b's success ended the shared run; two failing instances within the window open it for all.
		fail(b, 3);
		Await.until(DEADLINE, () -> "OPEN".equals(this.server.command("HGET", "cb:{guarded}", "state")),
				"the second failing instance to open the shared breaker");
		assertThat(b.tryAcquirePermission()).isEmpty();
		assertThat(b.getSnapshot().reason()).isEqualTo("failures: 3/3");
	}

	@Test
	void openIsDecidedLocallyAndOneScriptMovesItToHalfOpen() {
		AtomicInteger acquires = new AtomicInteger();
		CircuitBreakerRegistry registry = instance("a", VIEWS,
				config().openTimeout(Duration.ofSeconds(2)).build(), acquires);
		CircuitBreaker breaker = registry.circuitBreaker("local/open");
		fail(breaker, 3);
		Await.until(DEADLINE, () -> breaker.viewState() == CircuitState.OPEN, "the view to learn the open state");
		acquires.set(0);
		int rejected = 0;
		for (int i = 0; i < 1000; i++) {
			if (breaker.tryAcquirePermission().isEmpty()) {
				rejected++;
			}
		}
		assertThat(rejected).isEqualTo(1000);
		assertThat(acquires).as("decisions that asked Redis while open").hasValue(0);
		CallPermit trial = Await.value(DEADLINE, breaker::tryAcquirePermission, java.util.Optional::isPresent,
				"a trial permit after the open time").orElseThrow();
		assertThat(trial.isTrial()).isTrue();
		// Asked early at most once (the view's open time ends no later than Redis's), then granted.
		assertThat(acquires.get()).isBetween(1, 2);
		assertThat(awaitTransition(CircuitState.HALF_OPEN).from()).isEqualTo(CircuitState.OPEN);
		trial.recordSuccess();
	}

	@Test
	void outcomesOfAnEarlierEpochAreDropped() {
		CircuitBreaker a = instance("a", VIEWS, config().build()).circuitBreaker("fenced");
		CircuitBreaker b = instance("b", VIEWS, config().build()).circuitBreaker("fenced");
		List<CallPermit> admittedBefore = List.of(a.acquirePermission(), a.acquirePermission(), a.acquirePermission());
		b.reset();
		for (CallPermit permit : admittedBefore) {
			permit.recordFailure(new IOException("late"));
		}
		this.registries.get(0).flush().toCompletableFuture().join();
		CircuitSnapshot snapshot = b.getSnapshot();
		assertThat(snapshot.state()).isEqualTo(CircuitState.CLOSED);
		assertThat(snapshot.calls()).isZero();
	}

	@Test
	void outcomesRecordedConcurrentlyByTwoInstancesCountExactlyOnceFlushed() throws Exception {
		CircuitBreakerConfig lenient = config().failureThreshold(1_000_000).minimumCalls(1_000_000).build();
		CircuitBreakerRegistry registryA = instance("a", VIEWS, lenient);
		CircuitBreakerRegistry registryB = instance("b", VIEWS, lenient);
		CircuitBreaker a = registryA.circuitBreaker("counted");
		CircuitBreaker b = registryB.circuitBreaker("counted");
		ExecutorService threads = Executors.newFixedThreadPool(8);
		try {
			List<Future<?>> work = new ArrayList<>();
			for (CircuitBreaker instance : List.of(a, b)) {
				for (int t = 0; t < 4; t++) {
					work.add(threads.submit(() -> {
						for (int i = 0; i < 2_500; i++) {
							CallPermit permit = instance.acquirePermission();
							if (i % 5 == 0) {
								permit.recordFailure(new IOException("down"));
							}
							else {
								permit.recordSuccess();
							}
						}
						return null;
					}));
				}
			}
			for (Future<?> done : work) {
				done.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			threads.shutdownNow();
		}
		registryA.flush().toCompletableFuture().join();
		registryB.flush().toCompletableFuture().join();
		assertThat(a.getSnapshot().calls()).isEqualTo(20_000);
		assertThat(a.getSnapshot().failedCalls()).isEqualTo(4_000);
	}

	@Test
	void trialPermitsStayExactAcrossInstances() {
		CircuitBreakerConfig config = config().openTimeout(Duration.ofMillis(300)).halfOpenMaxCalls(3).build();
		CircuitBreaker a = instance("a", VIEWS, config).circuitBreaker("trials");
		CircuitBreaker b = instance("b", VIEWS, config).circuitBreaker("trials");
		fail(a, 3);
		Await.until(DEADLINE, () -> "OPEN".equals(this.server.command("HGET", "cb:{trials}", "state")), "open");
		List<CallPermit> granted = new ArrayList<>();
		long deadline = System.nanoTime() + DEADLINE.toNanos();
		int rejectedInHalfOpen = 0;
		while (rejectedInHalfOpen < 100 && System.nanoTime() < deadline) {
			for (CircuitBreaker instance : List.of(a, b)) {
				try {
					granted.add(instance.acquirePermission());
				}
				catch (CircuitBreakerOpenException ex) {
					if (ex.getState() == CircuitState.HALF_OPEN) {
						rejectedInHalfOpen++;
					}
				}
			}
		}
		assertThat(rejectedInHalfOpen).isGreaterThanOrEqualTo(100);
		assertThat(granted).hasSize(3).allMatch(CallPermit::isTrial);
		granted.forEach(CallPermit::recordSuccess);
		Await.until(DEADLINE, () -> b.getSnapshot().state() == CircuitState.CLOSED, "the trials to close it");
	}

	private StateTransition awaitTransition(CircuitState to) {
		return Await.value(DEADLINE,
				() -> this.transitions.stream().filter((t) -> t.to() == to).findFirst().orElse(null),
				(found) -> found != null, "a transition to " + to);
	}

	private static CircuitBreakerConfig.Builder config() {
		return CircuitBreakerConfig.builder()
			.consistency(Consistency.BOUNDED)
			.failureThreshold(3)
			.successThreshold(1)
			.halfOpenMaxCalls(3)
			.openTimeout(Duration.ofSeconds(60))
			.minimumCalls(1000);
	}

	private static void fail(CircuitBreaker breaker, int times) {
		for (int i = 0; i < times; i++) {
			breaker.acquirePermission().recordFailure(new IOException("down " + i));
		}
	}

	private CircuitBreakerRegistry instance(String id, ViewOptions views, CircuitBreakerConfig config) {
		return instance(id, views, config, new AtomicInteger());
	}

	/** An instance with a Redis client of its own; {@code acquires} counts the decisions sent to Redis. */
	private CircuitBreakerRegistry instance(String id, ViewOptions views, CircuitBreakerConfig config,
			AtomicInteger acquires) {
		RedisClient client = RedisClient.create(this.server.uri());
		this.clients.add(client);
		var connection = client.connect(ByteArrayCodec.INSTANCE);
		BreakerStore store = counting(new RedisBreakerStore(connection::async, new BreakerKeys("cb:"), id,
				Duration.ofHours(1)), acquires);
		CircuitBreakerRegistry registry = new CircuitBreakerRegistry(store, CircuitBreakerConfigs.of(config),
				this.transitions::add, id, CircuitBreakerRegistry.DEFAULT_MAX_BREAKERS, OverflowPolicy.ALLOW, views);
		this.registries.add(registry);
		return registry;
	}

	private static BreakerStore counting(BreakerStore store, AtomicInteger acquires) {
		return (BreakerStore) Proxy.newProxyInstance(BreakerStore.class.getClassLoader(),
				new Class<?>[] { BreakerStore.class }, (proxy, method, args) -> {
					if (method.getName().equals("acquire")) {
						acquires.incrementAndGet();
					}
					try {
						return method.invoke(store, args);
					}
					catch (InvocationTargetException ex) {
						throw ex.getCause();
					}
				});
	}

}
