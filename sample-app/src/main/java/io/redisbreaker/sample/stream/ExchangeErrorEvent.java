package io.redisbreaker.sample.stream;

import java.time.Instant;

/**
 * An exchange call failed; published by {@link ErrorDispatcher} after the failure was recorded.
 * @param breaker the breaker that counted the failure
 * @param message what failed
 * @param at when
 */
public record ExchangeErrorEvent(String breaker, String message, Instant at) {
}
