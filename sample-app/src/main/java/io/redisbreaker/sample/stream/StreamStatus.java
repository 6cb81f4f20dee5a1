package io.redisbreaker.sample.stream;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * The result of a stream connection attempt.
 * @param breaker the breaker asked before connecting
 * @param status {@code connected}, {@code failed: <why>} or {@code not connecting: breaker <state>}
 * @param nextTrialAt when an open breaker permits the next attempt, if it is open
 */
public record StreamStatus(String breaker, String status, @Nullable Instant nextTrialAt) {
}
