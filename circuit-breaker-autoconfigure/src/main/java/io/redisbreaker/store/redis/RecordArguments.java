package io.redisbreaker.store.redis;

import io.redisbreaker.core.Admission;
import io.redisbreaker.core.CallOutcome;
import io.redisbreaker.core.CircuitBreakerConfig;

import static io.redisbreaker.store.redis.ScriptArguments.encode;

/**
 * The ARGV of {@code record.lua}, in the order of its {@code -- ARGV:} header.
 *
 * @param epoch the epoch the call was admitted under; an outcome of an older one counts nothing
 * @param permitId the trial permit the call held, or empty
 * @param outcome how the call ended, sent as its {@linkplain CallOutcome#code() code}
 * @param failureThreshold consecutive failures that open the breaker
 * @param successThreshold successful trial calls that close it
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
 */
record RecordArguments(long epoch, String permitId, CallOutcome outcome, long failureThreshold, long successThreshold,
		long windowMs, long bucketMs, double failureRateThreshold, long minimumCalls, double slowCallRateThreshold,
		long openMs, double openMultiplier, long maxOpenMs, byte[] ttlMs, byte[] channel, String name,
		byte[] origin, byte[] maxBreakers) {

	static RecordArguments of(String name, CircuitBreakerConfig config, Admission admission, CallOutcome outcome,
			StoreConstants store) {
		String permitId = admission.permitId();
		return new RecordArguments(admission.epoch(), (permitId != null) ? permitId : "", outcome,
				config.getFailureThreshold(), config.getSuccessThreshold(), config.getSlidingWindow().toMillis(),
				config.getWindowBucket().toMillis(), config.getFailureRateThreshold(), config.getMinimumCalls(),
				config.getSlowCallRateThreshold(), config.getOpenTimeout().toMillis(),
				config.getOpenTimeoutMultiplier(), config.getMaxOpenTimeout().toMillis(), store.ttlMs(),
				store.channel(), name, store.origin(), store.maxBreakers());
	}

	/** The components, encoded, in order. */
	byte[][] argv() {
		return new byte[][] { encode(this.epoch), encode(this.permitId), encode(this.outcome.code()),
				encode(this.failureThreshold), encode(this.successThreshold), encode(this.windowMs),
				encode(this.bucketMs), encode(this.failureRateThreshold), encode(this.minimumCalls),
				encode(this.slowCallRateThreshold), encode(this.openMs), encode(this.openMultiplier),
				encode(this.maxOpenMs), this.ttlMs, this.channel, encode(this.name), this.origin,
				this.maxBreakers };
	}

}
