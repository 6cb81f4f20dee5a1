package io.redisbreaker.store.redis;

import static io.redisbreaker.store.redis.ScriptArguments.encode;

/**
 * The ARGV of {@code register.lua}, in the order of its {@code -- ARGV:} header.
 *
 * @param name the breaker to list
 * @param maxBreakers see {@link StoreConstants#maxBreakers()}
 * @param ttlMs see {@link StoreConstants#ttlMs()}
 */
record RegisterArguments(String name, byte[] maxBreakers, byte[] ttlMs) {

	static RegisterArguments of(String name, StoreConstants store) {
		return new RegisterArguments(name, store.maxBreakers(), store.ttlMs());
	}

	/** The components, encoded, in order. */
	byte[][] argv() {
		return new byte[][] { encode(this.name), this.maxBreakers, this.ttlMs };
	}

}
