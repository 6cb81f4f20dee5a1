package io.redisbreaker.store.redis;

import static io.redisbreaker.store.redis.ScriptArguments.encode;

/**
 * The ARGV of {@code register.lua}, in the order of its {@code -- ARGV:} header.
 *
 * @param name the breaker to list
 * @param maxBreakers see {@link StoreConstants#maxBreakers()}
 * @param ttlMs see {@link StoreConstants#ttlMs()}
 * @param prefix the key prefix, so the script can look at the breakers' keys; empty on Redis Cluster,
 * where it may not
 */
record RegisterArguments(String name, byte[] maxBreakers, byte[] ttlMs, String prefix) {

	static RegisterArguments of(String name, StoreConstants store, String prefix) {
		return new RegisterArguments(name, store.maxBreakers(), store.ttlMs(), prefix);
	}

	/** The components, encoded, in order. */
	byte[][] argv() {
		return new byte[][] { encode(this.name), this.maxBreakers, this.ttlMs, encode(this.prefix) };
	}

}
