package io.redisbreaker.core;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

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
		AtomicReference<CompletableFuture<Void>> gate = new AtomicReference<>();
		CircuitBreaker breaker = new CircuitBreakerRegistry(gated(new InMemoryBreakerStore("a"), gate),
				CircuitBreakerConfigs.of(CircuitBreakerConfig.builder().consistency(Consistency.STRICT).build()), (transition) -> {
				}, "a")
			.circuitBreaker("callbacks");
		Set<String> threads = new HashSet<>();
		for (int i = 0; i < 200; i++) {
			gate.set(new CompletableFuture<>());
			// The continuation is attached while the store's answer is still held back, as it is
			// when the answer comes from Redis: it then runs where the permission completes.
			CompletableFuture<String> thread = breaker.acquirePermissionAsync()
				.thenApply((permit) -> {
					permit.recordSuccess();
					return Thread.currentThread().getName();
				})
				.toCompletableFuture();
			gate.get().complete(null);
			threads.add(thread.join());
		}
		assertThat(threads).allMatch((name) -> name.startsWith("circuit-breaker-callback-"));
		// One after another, 200 permissions need a handful of threads, not 200.
		assertThat(threads.size()).isLessThan(10);
	}

	/** The store, with each acquire's answer held until the test opens the current gate. */
	private static BreakerStore gated(BreakerStore store, AtomicReference<CompletableFuture<Void>> gate) {
		return (BreakerStore) Proxy.newProxyInstance(BreakerStore.class.getClassLoader(),
				new Class<?>[] { BreakerStore.class }, (proxy, method, args) -> {
					Object answer;
					try {
						answer = method.invoke(store, args);
					}
					catch (InvocationTargetException ex) {
						throw ex.getCause();
					}
					if (!method.getName().equals("acquire")) {
						return answer;
					}
					CompletionStage<?> admission = (CompletionStage<?>) answer;
					return gate.get().thenCompose((open) -> admission);
				});
	}

}
