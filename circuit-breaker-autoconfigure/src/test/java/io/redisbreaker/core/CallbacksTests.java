package io.redisbreaker.core;

import java.util.HashSet;
import java.util.Set;

import io.redisbreaker.store.memory.InMemoryBreakerStore;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What continues after an asynchronous permission runs on the breakers' own reused threads, not on
 * the JVM's common pool (which, with two cores or fewer, starts a thread per task).
 */
class CallbacksTests {

	@Test
	void asynchronousPermissionsContinueOnReusedCallbackThreads() {
		CircuitBreaker breaker = new CircuitBreakerRegistry(new InMemoryBreakerStore("a"),
				CircuitBreakerConfigs.of(CircuitBreakerConfig.ofDefaults()), (transition) -> {
				}, "a")
			.circuitBreaker("callbacks");
		Set<String> threads = new HashSet<>();
		for (int i = 0; i < 200; i++) {
			String thread = breaker.acquirePermissionAsync()
				.thenApply((permit) -> {
					permit.recordSuccess();
					return Thread.currentThread().getName();
				})
				.toCompletableFuture()
				.join();
			threads.add(thread);
		}
		// A continuation attached after the permission arrived runs on the caller's thread, as any
		// CompletableFuture's does; the others run where the permission completed: never a pool of
		// someone else's, never a fresh thread per call.
		threads.remove(Thread.currentThread().getName());
		assertThat(threads).isNotEmpty().allMatch((name) -> name.startsWith("circuit-breaker-callback-"));
		// One after another, 200 permissions need a handful of threads, not 200.
		assertThat(threads.size()).isLessThan(10);
	}

}
