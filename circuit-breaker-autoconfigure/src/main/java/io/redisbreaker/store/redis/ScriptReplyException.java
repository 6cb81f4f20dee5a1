package io.redisbreaker.store.redis;

/**
 * A breaker script answered something it never returns: the wrong number of values, or a value of
 * the wrong kind. Redis itself is fine; this breaker's reply did not parse. It is an
 * {@link IllegalArgumentException} because that is what the failover store takes to concern one
 * breaker rather than Redis (see {@code BreakerFaults.concernsOneBreaker}).
 */
final class ScriptReplyException extends IllegalArgumentException {

	private static final long serialVersionUID = 1L;

	ScriptReplyException(String message) {
		super(message);
	}

}
