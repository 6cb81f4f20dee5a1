/**
 * Tickers and order books, each exchange and region behind a breaker of its own
 * ({@code upbit/kr/ticker}), declared with {@code @CircuitProtected}.
 */
@NullMarked
package io.redisbreaker.sample.ticker;

import org.jspecify.annotations.NullMarked;
