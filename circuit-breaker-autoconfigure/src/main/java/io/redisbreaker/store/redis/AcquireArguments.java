package io.redisbreaker.store.redis;

import io.redisbreaker.core.CircuitBreakerConfig;

import static io.redisbreaker.store.redis.ScriptArguments.encode;

/**
 * The ARGV of {@code acquire.lua}, in the order of its {@code -- ARGV:} header.
 *
 * @param permitId the trial permit the call would hold in half-open state
 * @param halfOpenMaxCalls trial calls permitted per half-open period, across all instances
 * @param permitLeaseMs how long a trial permit lasts unless its outcome gives it back
 * @param ttlMs see {@link StoreConstants#ttlMs()}
 * @param channel see {@link StoreConstants#channel()}
 * @param name the breaker, as published with a transition
 * @param origin see {@link StoreConstants#origin()}
 * @param windowMs the sliding window, which keeps a half-open breaker's keys alive
 * @param maxBreakers see {@link StoreConstants#maxBreakers()}
 */
record AcquireArguments(String permitId, long halfOpenMaxCalls, long permitLeaseMs, byte[] ttlMs, byte[] channel,
		String name, byte[] origin, long windowMs, byte[] maxBreakers) {

	static AcquireArguments of(String name, CircuitBreakerConfig config, String permitId, StoreConstants store) {
		return new AcquireArguments(permitId, config.getHalfOpenMaxCalls(), config.getHalfOpenPermitLease().toMillis(),
				store.ttlMs(), store.channel(), name, store.origin(), config.getSlidingWindow().toMillis(), store.maxBreakers());
	}

	/** The components, encoded, in order. */
	byte[][] argv() {
		return new byte[][] { encode(this.permitId), encode(this.halfOpenMaxCalls), encode(this.permitLeaseMs),
				this.ttlMs, this.channel, encode(this.name), this.origin, encode(this.windowMs),
				this.maxBreakers };
	}

}
