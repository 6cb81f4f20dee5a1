package io.redisbreaker.store;

import io.redisbreaker.store.memory.InMemoryBreakerStore;

/**
 * The in-memory fallback follows the same rules as the Redis scripts.
 */
class InMemoryBreakerStoreTests extends BreakerContractTests {

	private final InMemoryBreakerStore store = new InMemoryBreakerStore("memory");

	@Override
	BreakerStore store(String instanceId) {
		return this.store;
	}

}
