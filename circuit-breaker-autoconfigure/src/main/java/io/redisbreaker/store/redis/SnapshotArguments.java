package io.redisbreaker.store.redis;

import io.redisbreaker.core.CircuitBreakerConfig;

import static io.redisbreaker.store.redis.ScriptArguments.encode;

/**
 * The ARGV of {@code snapshot.lua}, in the order of its {@code -- ARGV:} header.
 *
 * @param windowMs the sliding window
 * @param bucketMs the size of one bucket of the window
 */
record SnapshotArguments(long windowMs, long bucketMs) {

	static SnapshotArguments of(CircuitBreakerConfig config) {
		return new SnapshotArguments(config.getSlidingWindow().toMillis(), config.getWindowBucket().toMillis());
	}

	/** The components, encoded, in order. */
	byte[][] argv() {
		return new byte[][] { encode(this.windowMs), encode(this.bucketMs) };
	}

}
