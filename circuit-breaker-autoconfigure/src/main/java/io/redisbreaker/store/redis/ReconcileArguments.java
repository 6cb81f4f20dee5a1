package io.redisbreaker.store.redis;

import java.time.Duration;

import static io.redisbreaker.store.redis.ScriptArguments.encode;

/**
 * The ARGV of {@code reconcile.lua}, in the order of its {@code -- ARGV:} header.
 *
 * @param openMs how long the shared breaker stays open, at least 1
 * @param reason why, as written to the state and published with the transition
 * @param ttlMs see {@link StoreConstants#ttlMs()}
 * @param channel see {@link StoreConstants#channel()}
 * @param name the breaker, as published with a transition
 * @param origin see {@link StoreConstants#origin()}
 * @param expectedEpoch the epoch this instance last saw; any other means the shared state moved on
 * @param maxBreakers see {@link StoreConstants#maxBreakers()}
 */
record ReconcileArguments(long openMs, String reason, byte[] ttlMs, byte[] channel, String name, byte[] origin,
		long expectedEpoch, byte[] maxBreakers) {

	static ReconcileArguments of(String name, Duration openFor, long expectedEpoch, String reason,
			StoreConstants store) {
		// An open time of 0 would open the breaker already expired.
		return new ReconcileArguments(Math.max(1, openFor.toMillis()), reason, store.ttlMs(), store.channel(), name,
				store.origin(), expectedEpoch, store.maxBreakers());
	}

	/** The components, encoded, in order. */
	byte[][] argv() {
		return new byte[][] { encode(this.openMs), encode(this.reason), this.ttlMs, this.channel, encode(this.name),
				this.origin, encode(this.expectedEpoch), this.maxBreakers };
	}

}
