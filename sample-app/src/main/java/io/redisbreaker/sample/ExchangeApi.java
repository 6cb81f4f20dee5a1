package io.redisbreaker.sample;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import org.springframework.stereotype.Component;

/**
 * Stands in for real exchange APIs; an exchange can be switched down to watch the breaker work.
 */
@Component
public class ExchangeApi {

	private final Set<String> down = ConcurrentHashMap.newKeySet();

	public Ticker fetch(String exchange, String region, String symbol) {
		if (this.down.contains(exchange)) {
			throw new ExchangeUnavailableException(exchange + " does not answer");
		}
		BigDecimal price = BigDecimal.valueOf(ThreadLocalRandom.current().nextDouble(90_000, 110_000))
			.setScale(2, RoundingMode.HALF_UP);
		return new Ticker(exchange, region, symbol, price, false);
	}

	public void setDown(String exchange, boolean isDown) {
		if (isDown) {
			this.down.add(exchange);
		}
		else {
			this.down.remove(exchange);
		}
	}

	public Map<String, Boolean> status(String exchange) {
		return Map.of(exchange, !this.down.contains(exchange));
	}

	/** What a failing exchange call throws. */
	public static class ExchangeUnavailableException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		public ExchangeUnavailableException(String message) {
			super(message);
		}

	}

}
