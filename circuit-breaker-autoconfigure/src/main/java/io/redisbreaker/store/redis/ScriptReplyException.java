package io.redisbreaker.store.redis;

/**
 * A breaker script answered something it never returns: the wrong number of values, or a value of
 * the wrong kind. Redis itself is fine; this breaker's reply did not parse, which the failover store
 * takes to concern this one breaker rather than Redis.
 */
public final class ScriptReplyException extends IllegalArgumentException {

	private static final long serialVersionUID = 1L;

	ScriptReplyException(String message) {
		super(message);
	}

}
