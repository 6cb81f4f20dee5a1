package io.redisbreaker.sample.ticker;

import java.math.BigDecimal;
import java.util.List;

/**
 * The best bid, the mid price and the best ask of a symbol; empty when a fallback answered.
 * @param exchange the exchange
 * @param region the exchange's region
 * @param symbol the symbol
 * @param levels bid, mid and ask, or none
 * @param source where it came from (see {@link Source})
 * @param breaker the breaker that protects the exchange call
 */
public record OrderBook(String exchange, String region, String symbol, List<BigDecimal> levels, String source,
		String breaker) {
}
