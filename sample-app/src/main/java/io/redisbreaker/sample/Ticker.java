package io.redisbreaker.sample;

import java.math.BigDecimal;

import org.jspecify.annotations.Nullable;

/**
 * A price quote; {@code cached} marks quotes served by the fallback.
 */
public record Ticker(String exchange, String region, String symbol, @Nullable BigDecimal price, boolean cached) {
}
