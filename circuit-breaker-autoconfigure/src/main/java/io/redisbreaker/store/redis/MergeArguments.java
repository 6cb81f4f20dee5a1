package io.redisbreaker.store.redis;

import io.redisbreaker.core.CircuitBreakerConfig;
import io.redisbreaker.core.OutcomeBatch;

import static io.redisbreaker.store.redis.ScriptArguments.encode;

/**
 * The ARGV of {@code merge.lua}, in the order of its {@code -- ARGV:} header.
 *
 * @param epoch the epoch the batch's calls were admitted under
 * @param sequence the batch's sequence number from this instance
 * @param calls calls in the batch
 * @param failures recorded failures among them
 * @param slow slow calls among them
 * @param trailingFailures failures since the batch's last success
 * @param hadSuccess 1 when the batch had a success (it ends the shared run of failures), else 0
 * @param failureThreshold consecutive failures that open the breaker
 * @param windowMs the sliding window
 * @param bucketMs the size of one bucket of the window
 * @param failureRateThreshold failure rate, in percent, that opens the breaker
 * @param minimumCalls calls in the window before the rates count
 * @param slowCallRateThreshold slow call rate, in percent, that opens the breaker
 * @param openMs how long the breaker first stays open
 * @param openMultiplier what the open time is multiplied by for each failed half-open period
 * @param maxOpenMs the longest open time
 * @param ttlMs see {@link StoreConstants#ttlMs()}
 * @param channel see {@link StoreConstants#channel()}
 * @param name the breaker, as published with a transition
 * @param origin see {@link StoreConstants#origin()}
 * @param maxBreakers see {@link StoreConstants#maxBreakers()}
 * @param minInstances instances that must be failing for the shared breaker to open
 * @param run see {@link StoreConstants#run()}
 */
record MergeArguments(long epoch, long sequence, long calls, long failures, long slow, long trailingFailures,
		long hadSuccess, long failureThreshold, long windowMs, long bucketMs, double failureRateThreshold,
		long minimumCalls, double slowCallRateThreshold, long openMs, double openMultiplier, long maxOpenMs,
		byte[] ttlMs, byte[] channel, String name, byte[] origin, byte[] maxBreakers, long minInstances,
		byte[] run) {

	static MergeArguments of(String name, CircuitBreakerConfig config, OutcomeBatch batch, StoreConstants store) {
		return new MergeArguments(batch.epoch(), batch.sequence(), batch.calls(), batch.failures(), batch.slow(),
				batch.trailingFailures(), batch.hadSuccess() ? 1 : 0, config.getFailureThreshold(),
				config.getSlidingWindow().toMillis(), config.getWindowBucket().toMillis(),
				config.getFailureRateThreshold(), config.getMinimumCalls(), config.getSlowCallRateThreshold(),
				config.getOpenTimeout().toMillis(), config.getOpenTimeoutMultiplier(),
				config.getMaxOpenTimeout().toMillis(), store.ttlMs(), store.channel(), name, store.origin(),
				store.maxBreakers(), config.getMinimumFailingInstances(), store.run());
	}

	/** The components, encoded, in order. */
	byte[][] argv() {
		return new byte[][] { encode(this.epoch), encode(this.sequence), encode(this.calls), encode(this.failures),
				encode(this.slow), encode(this.trailingFailures), encode(this.hadSuccess),
				encode(this.failureThreshold), encode(this.windowMs), encode(this.bucketMs),
				encode(this.failureRateThreshold), encode(this.minimumCalls), encode(this.slowCallRateThreshold),
				encode(this.openMs), encode(this.openMultiplier), encode(this.maxOpenMs), this.ttlMs, this.channel,
				encode(this.name), this.origin, this.maxBreakers, encode(this.minInstances),
				this.run };
	}

}
