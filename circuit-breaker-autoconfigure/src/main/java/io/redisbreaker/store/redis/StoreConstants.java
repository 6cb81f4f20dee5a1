package io.redisbreaker.store.redis;

import java.security.SecureRandom;

/**
 * The arguments that are the same for every call of one store, encoded once, since they go with
 * nearly every script run on the hot path.
 *
 * @param ttlMs lifetime of a breaker's keys after its last write, in milliseconds
 * @param channel the channel transitions are published on
 * @param origin the id of this instance, which published transitions carry
 * @param maxBreakers the most breaker names the index lists, fleet-wide
 * @param run random for every store, so a restart of this instance (same id) is told apart from the run
 * before it without trusting the clock, which numbers batches and may be hours off
 */
record StoreConstants(byte[] ttlMs, byte[] channel, byte[] origin, byte[] maxBreakers, byte[] run) {

	static StoreConstants of(long ttlMs, String channel, String origin, int maxBreakers) {
		return new StoreConstants(ScriptArguments.encode(ttlMs), ScriptArguments.encode(channel),
				ScriptArguments.encode(origin), ScriptArguments.encode(maxBreakers),
				ScriptArguments.encode(Long.toHexString(new SecureRandom().nextLong())));
	}

}
