package io.redisbreaker.core;

/**
 * What happens to a call whose breaker would exceed the limit on breakers
 * ({@code circuitbreaker.max-breakers}): names computed from arguments can make a breaker per request.
 */
public enum OverflowPolicy {

	/** The call runs unprotected (counted and logged). */
	ALLOW,

	/** The call is rejected with {@link CircuitBreakerOpenException}, as an open breaker would. */
	DENY

}
