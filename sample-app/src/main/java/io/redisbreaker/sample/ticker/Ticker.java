package io.redisbreaker.sample.ticker;

import java.math.BigDecimal;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A price quote.
 * @param exchange the exchange
 * @param region the exchange's region
 * @param symbol the symbol
 * @param price the price, or {@code null} when a fallback had none to give
 * @param pricedAt when the exchange gave the price (older than the answer for a fallback), or {@code null}
 * @param source where it came from: {@link Source#LIVE}, {@link Source#EXCHANGE_FAILED} or
 * {@link Source#BREAKER_OPEN}
 * @param breaker the breaker that protects the exchange call
 */
public record Ticker(String exchange, String region, String symbol, @Nullable BigDecimal price,
		@Nullable Instant pricedAt, String source, String breaker) {
}
