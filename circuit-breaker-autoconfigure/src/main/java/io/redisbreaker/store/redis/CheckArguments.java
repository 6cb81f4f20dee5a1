package io.redisbreaker.store.redis;

import static io.redisbreaker.store.redis.ScriptArguments.encode;

/**
 * The ARGV of {@code check.lua}, in the order of its {@code -- ARGV:} header.
 *
 * @param mode {@code keys} to check the commands on a breaker's keys and the channel, {@code index}
 * to check those on the name index (another cluster slot, hence a run of its own)
 * @param channel the transition channel ({@code keys} only)
 * @param message the message published on it ({@code keys} only)
 * @param prefix the key prefix, for migrating an index kept as a set by an earlier version; empty on
 * Redis Cluster ({@code index} only)
 */
record CheckArguments(String mode, byte[] channel, byte[] message, byte[] prefix) {

	private static final byte[] NONE = new byte[0];

	static CheckArguments keys(String channel, String message) {
		return new CheckArguments("keys", encode(channel), encode(message), NONE);
	}

	static CheckArguments index(String prefix) {
		return new CheckArguments("index", NONE, NONE, encode(prefix));
	}

	/** The components, encoded, in order. */
	byte[][] argv() {
		return new byte[][] { encode(this.mode), this.channel, this.message, this.prefix };
	}

}
