package io.redisbreaker.core;

/**
 * How a breaker's call decisions relate to its shared state.
 */
public enum Consistency {

	/**
	 * The decision comes from this instance's view of the shared state, never older than
	 * {@code circuitbreaker.max-staleness}; outcomes are counted here and merged into the shared state
	 * in batches, at once when they could cross a threshold. No Redis round trip while the breaker is
	 * closed, or open with time left; trial calls in half-open state are still granted one by one by
	 * Redis, so their number stays exact across the fleet.
	 */
	BOUNDED,

	/**
	 * Every decision is one atomic script call in Redis, and every outcome is sent at once (without
	 * the caller waiting for it): exact fleet-wide counts at the cost of one round trip per call.
	 */
	STRICT

}
