package io.redisbreaker.store;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.lettuce.core.RedisClient;
import io.lettuce.core.codec.ByteArrayCodec;
import io.redisbreaker.core.CallPermit;
import io.redisbreaker.core.CircuitBreaker;
import io.redisbreaker.core.CircuitBreakerConfig;
import io.redisbreaker.core.CircuitBreakerConfigs;
import io.redisbreaker.core.CircuitBreakerOpenException;
import io.redisbreaker.core.CircuitBreakerRegistry;
import io.redisbreaker.core.CircuitSnapshot;
import io.redisbreaker.core.CircuitState;
import io.redisbreaker.core.StateTransition;
import io.redisbreaker.core.TransitionListener;
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
 * Two instances, each with its own Redis client and its own threads, hammer one breaker at once.
 */
@WithRedisServer
class MultiInstanceConcurrencyTests {

	private static final int THREADS_PER_INSTANCE = 8;

	private final RedisServer server;

	private final List<RedisClient> clients = new ArrayList<>();

	private final ExecutorService threads = Executors.newFixedThreadPool(2 * THREADS_PER_INSTANCE);

	private CircuitBreaker instanceA;

	private CircuitBreaker instanceB;

	MultiInstanceConcurrencyTests(RedisServer server) {
		this.server = server;
	}

	@BeforeEach
	void twoInstances() {
		CircuitBreakerConfig config = CircuitBreakerConfig.builder()
			.failureThreshold(3)
			.successThreshold(3)
			.halfOpenMaxCalls(3)
			.openTimeout(Duration.ofMillis(200))
			.halfOpenPermitLease(Duration.ofSeconds(30))
			.minimumCalls(100_000)
			.build();
		this.instanceA = instance("a", config).circuitBreaker("hammered");
		this.instanceB = instance("b", config).circuitBreaker("hammered");
	}

	@AfterEach
	void close() throws InterruptedException {
		this.threads.shutdownNow();
		this.threads.awaitTermination(10, TimeUnit.SECONDS);
		this.clients.forEach(RedisClient::shutdown);
	}

	private CircuitBreakerRegistry instance(String id, CircuitBreakerConfig config) {
		return new CircuitBreakerRegistry(storeFor(id), CircuitBreakerConfigs.of(config), TransitionListener.noop(), id);
	}

	@Test
	void halfOpenAdmitsExactlyTheConfiguredTrialCallsAcrossInstances() throws Exception {
		for (int i = 0; i < 3; i++) {
			this.instanceB.acquirePermission().recordFailure(new IOException("down"));
		}
		// B's outcomes are sent without waiting; A reads on its own connection.
		Await.until(Duration.ofSeconds(10), () -> this.instanceA.getState() == CircuitState.OPEN,
				"B's failures to open the breaker");
		// Redis holds OPEN, but A's view read CLOSED when the breaker was created and may admit calls on it
		// for up to max-staleness (bounded consistency; no Pub/Sub here). Trial permits are what this test
		// counts, so it starts once both views reject: no closed-state permit can mix in (seen in a build).
		for (CircuitBreaker instance : List.of(this.instanceA, this.instanceB)) {
			Await.until(Duration.ofSeconds(10), () -> {
				Optional<CallPermit> early = instance.tryAcquirePermission();
				early.ifPresent(CallPermit::release);
				return early.isEmpty();
			}, "the view to reject calls while the breaker is open");
		}

		// Every thread of both instances keeps asking until the open timeout has passed and the trial
		// slots are gone; permits are held (the trial calls are "running") until the test ends.
		ConcurrentLinkedQueue<CallPermit> granted = new ConcurrentLinkedQueue<>();
		AtomicInteger rejectedInHalfOpen = new AtomicInteger();
		CountDownLatch start = new CountDownLatch(1);
		List<Future<?>> workers = new ArrayList<>();
		for (CircuitBreaker instance : List.of(this.instanceA, this.instanceB)) {
			for (int t = 0; t < THREADS_PER_INSTANCE; t++) {
				workers.add(this.threads.submit(() -> {
					start.await();
					long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
					while (rejectedInHalfOpen.get() < 200 && System.nanoTime() < deadline) {
						try {
							granted.add(instance.acquirePermission());
						}
						catch (CircuitBreakerOpenException ex) {
							if (ex.getState() == CircuitState.HALF_OPEN) {
								rejectedInHalfOpen.incrementAndGet();
							}
						}
					}
					return null;
				}));
			}
		}
		start.countDown();
		for (Future<?> worker : workers) {
			worker.get(20, TimeUnit.SECONDS);
		}
		assertThat(rejectedInHalfOpen).hasValueGreaterThanOrEqualTo(200);
		assertThat(granted).hasSize(3).allMatch(CallPermit::isTrial);
		assertThat(this.instanceB.getSnapshot().trialCallsInFlight()).isEqualTo(3);
		for (CallPermit permit : granted) {
			permit.recordSuccess();
		}
		// Both instances' outcomes are sent without waiting, each on its own connection.
		Await.until(Duration.ofSeconds(10), () -> this.instanceB.getState() == CircuitState.CLOSED,
				"the trial successes to close the breaker");
	}

	@Test
	void failuresRecordedConcurrentlyByBothInstancesAreAllCounted() throws Exception {
		CircuitBreakerConfig lenient = CircuitBreakerConfig.builder()
			.failureThreshold(1_000_000)
			.minimumCalls(1_000_000)
			.build();
		CircuitBreaker a = instance("a2", lenient).circuitBreaker("counted");
		CircuitBreaker b = instance("b2", lenient).circuitBreaker("counted");
		int perThread = 50;
		hammer(List.of(a, b), (instance) -> {
			for (int i = 0; i < perThread; i++) {
				instance.acquirePermission().recordFailure(new IOException("failure " + i));
			}
		});
		int expected = 2 * THREADS_PER_INSTANCE * perThread;
		// Outcomes are sent without waiting: the last of a's may still be on its way.
		CircuitSnapshot snapshot = Await.value(Duration.ofSeconds(10), b::getSnapshot,
				(read) -> read.calls() >= expected, "every outcome to arrive");
		assertThat(snapshot.calls()).isEqualTo(expected);
		assertThat(snapshot.failedCalls()).isEqualTo(expected);
		assertThat(snapshot.state()).isEqualTo(CircuitState.CLOSED);
	}

	@Test
	void concurrentFailuresOpenTheBreakerExactlyOnce() throws Exception {
		List<StateTransition> opened = new CopyOnWriteArrayList<>();
		CircuitBreakerConfig config = CircuitBreakerConfig.builder().failureThreshold(5).minimumCalls(1000).build();
		CircuitBreakerRegistry registryA = new CircuitBreakerRegistry(storeFor("a3"), CircuitBreakerConfigs.of(config),
				opened::add, "a3");
		CircuitBreakerRegistry registryB = new CircuitBreakerRegistry(storeFor("b3"), CircuitBreakerConfigs.of(config),
				opened::add, "b3");
		CircuitBreaker a = registryA.circuitBreaker("once");
		CircuitBreaker b = registryB.circuitBreaker("once");
		hammer(List.of(a, b), (instance) -> {
			for (int i = 0; i < 20; i++) {
				instance.tryAcquirePermission().ifPresent((permit) -> permit.recordFailure(new IOException()));
			}
		});
		// The view adopts the open state from the merge reply before the listener hears of it (on a
		// callback thread): wait for the listener, then let every outcome still unsent arrive.
		Await.until(Duration.ofSeconds(5), () -> !opened.isEmpty(), "a transition to be heard");
		registryA.flush().toCompletableFuture().get(5, TimeUnit.SECONDS);
		registryB.flush().toCompletableFuture().get(5, TimeUnit.SECONDS);
		assertThat(a.getState()).isEqualTo(CircuitState.OPEN);
		assertThat(opened).singleElement().satisfies((t) -> assertThat(t.to()).isEqualTo(CircuitState.OPEN));
	}

	/** Runs the work on every thread of every instance at once, and waits for all of it. */
	private void hammer(List<CircuitBreaker> instances, java.util.function.Consumer<CircuitBreaker> work)
			throws Exception {
		CountDownLatch start = new CountDownLatch(1);
		List<Future<?>> workers = new ArrayList<>();
		for (CircuitBreaker instance : instances) {
			for (int t = 0; t < THREADS_PER_INSTANCE; t++) {
				workers.add(this.threads.submit(() -> {
					start.await();
					work.accept(instance);
					return null;
				}));
			}
		}
		start.countDown();
		for (Future<?> worker : workers) {
			worker.get(30, TimeUnit.SECONDS);
		}
	}

	/** A store with a Redis client of its own, as a separate application instance would have. */
	private RedisBreakerStore storeFor(String id) {
		RedisClient client = RedisClient.create(this.server.uri());
		this.clients.add(client);
		var connection = client.connect(ByteArrayCodec.INSTANCE);
		return new RedisBreakerStore(connection::async, new BreakerKeys("cb:"), id, Duration.ofHours(1));
	}

}
