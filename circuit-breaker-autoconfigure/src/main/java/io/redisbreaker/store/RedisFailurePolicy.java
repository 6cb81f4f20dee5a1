package io.redisbreaker.store;

/**
 * What breakers do while Redis cannot be reached or does not answer in time.
 */
public enum RedisFailurePolicy {

	/**
	 * An in-memory breaker per name with the same settings takes over; when Redis is back, a breaker
	 * that opened locally opens the shared breaker (unless it moved on meanwhile) and the shared state
	 * rules again.
	 */
	LOCAL,

	/** Every call is permitted and nothing is recorded. */
	ALLOW,

	/** Every call is rejected with {@code CircuitBreakerOpenException}. */
	DENY

}
