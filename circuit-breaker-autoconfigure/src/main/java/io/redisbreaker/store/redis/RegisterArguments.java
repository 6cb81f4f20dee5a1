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
 * @param pin how a listed name's score changes: {@code ""} (the later expiry), {@code forever} or
 * {@code exact}
 */
record RegisterArguments(String name, byte[] maxBreakers, byte[] ttlMs, String prefix, String pin) {

	static RegisterArguments of(String name, StoreConstants store, String prefix, String pin) {
		return new RegisterArguments(name, store.maxBreakers(), store.ttlMs(), prefix, pin);
	}

	/** The components, encoded, in order. */
	byte[][] argv() {
		return new byte[][] { encode(this.name), this.maxBreakers, this.ttlMs, encode(this.prefix), encode(this.pin) };
	}

}
