package io.redisbreaker.sample.exchange;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Stands in for the HTTP and WebSocket clients of real exchanges: answers with made-up prices unless
 * {@link SimulatedExchanges} says the exchange is down or slow. An answer slower than
 * {@code sample.exchanges.timeout} fails the call after that timeout, as a real client's would.
 */
@Component
public class ExchangeClient {

	private final SimulatedExchanges exchanges;

	private final Duration timeout;

	public ExchangeClient(SimulatedExchanges exchanges,
			@Value("${sample.exchanges.timeout:2s}") Duration timeout) {
		this.exchanges = exchanges;
		this.timeout = timeout;
	}

	/** The last price of a symbol on an exchange. */
	public BigDecimal price(String exchange, String region, String symbol) {
		answer(exchange);
		return randomPrice();
	}

	/** The best bids and asks of a symbol. */
	public List<BigDecimal> orderBook(String exchange, String region, String symbol) {
		answer(exchange);
		BigDecimal mid = randomPrice();
		return List.of(mid.subtract(BigDecimal.ONE), mid, mid.add(BigDecimal.ONE));
	}

	/** Opens a market data stream (the source guide's WebSocket connection). */
	public void connectStream(String exchange, String region) {
		answer(exchange);
	}

	private void answer(String exchange) {
		Condition condition = this.exchanges.condition(exchange);
		switch (condition.mode()) {
			case DOWN -> throw new ExchangeUnavailableException(exchange + " does not answer (simulated outage)");
			case SLOW -> {
				boolean timedOut = condition.delay().compareTo(this.timeout) > 0;
				sleep(timedOut ? this.timeout : condition.delay());
				if (timedOut) {
					throw new ExchangeUnavailableException(
							exchange + " did not answer within " + this.timeout.toMillis() + " ms (simulated delay)");
				}
			}
			case UP -> {
			}
		}
	}

	private static void sleep(Duration delay) {
		try {
			Thread.sleep(delay.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ExchangeUnavailableException("interrupted while waiting for the exchange");
		}
	}

	private static BigDecimal randomPrice() {
		return BigDecimal.valueOf(ThreadLocalRandom.current().nextDouble(90_000, 110_000)).setScale(2, RoundingMode.HALF_UP);
	}

}
