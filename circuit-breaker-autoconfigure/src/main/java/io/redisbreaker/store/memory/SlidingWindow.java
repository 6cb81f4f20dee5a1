package io.redisbreaker.store.memory;

import java.util.Map;
import java.util.TreeMap;

import io.redisbreaker.core.CircuitBreakerConfig;

/**
 * Calls, failures and slow calls per time bucket, aging out bucket by bucket like the Redis window
 * ({@code window_evict()} in common.lua): buckets are keyed by their start time in milliseconds and
 * count while that start lies in [start of the oldest bucket of the window, now]. Older buckets aged
 * out; later ones were written before the clock moved back. Not thread-safe: its owner synchronizes.
 */
final class SlidingWindow {

	private final TreeMap<Long, long[]> buckets = new TreeMap<>();

	private long calls;

	private long failures;

	private long slow;

	/** Counts calls in the current bucket, {@code f} of them failed and {@code sl} slow; the caller evicts first. */
	void add(CircuitBreakerConfig config, long n, long f, long sl, long now) {
		long bucketMillis = config.getWindowBucket().toMillis();
		long[] bucket = this.buckets.computeIfAbsent(now - Math.floorMod(now, bucketMillis), (b) -> new long[3]);
		bucket[0] += n;
		bucket[1] += f;
		bucket[2] += sl;
		this.calls += n;
		this.failures += f;
		this.slow += sl;
	}

	void evict(CircuitBreakerConfig config, long now) {
		if (this.buckets.isEmpty()) {
			return;
		}
		long bucketMillis = config.getWindowBucket().toMillis();
		long bucketCount = (config.getSlidingWindow().toMillis() + bucketMillis - 1) / bucketMillis;
		long oldest = now - Math.floorMod(now, bucketMillis) - (bucketCount - 1) * bucketMillis;
		if (this.buckets.firstKey() >= oldest && this.buckets.lastKey() <= now) {
			return;
		}
		drop(this.buckets.headMap(oldest, false));
		drop(this.buckets.tailMap(now, false));
	}

	private void drop(Map<Long, long[]> expired) {
		for (long[] bucket : expired.values()) {
			this.calls -= bucket[0];
			this.failures -= bucket[1];
			this.slow -= bucket[2];
		}
		expired.clear();
	}

	void clear() {
		this.buckets.clear();
		this.calls = 0;
		this.failures = 0;
		this.slow = 0;
	}

	long calls() {
		return this.calls;
	}

	long failures() {
		return this.failures;
	}

	long slow() {
		return this.slow;
	}

}
