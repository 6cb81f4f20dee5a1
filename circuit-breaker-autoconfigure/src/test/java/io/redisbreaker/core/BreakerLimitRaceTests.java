package io.redisbreaker.core;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;

import io.redisbreaker.store.memory.InMemoryBreakerStore;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-JVM limit on breakers under concurrent first use of different names. */
class BreakerLimitRaceTests {

	@Test
	void concurrentFirstUsesOfDifferentNamesStayWithinMaxBreakers() throws Exception {
		int threads = 4;
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		int worst = 0;
		try {
			for (int round = 0; round < 300; round++) {
				CircuitBreakerRegistry registry = new CircuitBreakerRegistry(new InMemoryBreakerStore("a"),
						CircuitBreakerConfigs.of(CircuitBreakerConfig.ofDefaults()), (t) -> {
						}, "a", 1, OverflowPolicy.ALLOW);
				CyclicBarrier barrier = new CyclicBarrier(threads);
				List<Future<?>> done = new ArrayList<>();
				for (int t = 0; t < threads; t++) {
					String name = "n" + t;
					done.add(pool.submit(() -> {
						barrier.await();
						return registry.circuitBreaker(name);
					}));
				}
				for (Future<?> f : done) {
					f.get();
				}
				long created = registry.getAllCircuitBreakers().stream().filter((b) -> !b.isOverLimit()).count();
				worst = (int) Math.max(worst, created);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(worst).as("most protected breakers in a JVM with max-breakers=1").isLessThanOrEqualTo(1);
	}

}
