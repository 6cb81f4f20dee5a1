package io.redisbreaker.sample.ticker;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.redisbreaker.annotation.CircuitProtected;
import io.redisbreaker.core.BreakerNames;
import io.redisbreaker.core.CircuitBreakerOpenException;
import io.redisbreaker.sample.exchange.ExchangeClient;
import io.redisbreaker.sample.exchange.ExchangeUnavailableException;

import org.springframework.stereotype.Service;

/**
 * One breaker per exchange, region and request type ({@code upbit/kr/ticker}), as in the source
 * guide; all of them use the {@code exchange-ticker} settings. The exchange comes from the URL, so it
 * may hold anything: the computed name is made valid ({@code "up bit"} gives the breaker
 * {@code up%20bit/kr/ticker}), and the call is never failed because of it.
 */
@Service
public class TickerService {

	/** The {@code circuitbreaker.instances} entry every ticker breaker uses. */
	public static final String CONFIGURATION = "exchange-ticker";

	private final ExchangeClient exchange;

	private final Map<String, Ticker> lastKnown = new ConcurrentHashMap<>();

	public TickerService(ExchangeClient exchange) {
		this.exchange = exchange;
	}

	@CircuitProtected(name = "#{#exchange}/#{#region}/ticker", configuration = CONFIGURATION,
			fallbackMethod = "lastKnownTicker")
	public Ticker ticker(String exchange, String region, String symbol) {
		BigDecimal price = this.exchange.price(exchange, region, symbol);
		Ticker ticker = new Ticker(exchange, region, symbol, price, Instant.now(), Source.LIVE,
				breakerName(exchange, region));
		this.lastKnown.put(key(exchange, region, symbol), ticker);
		return ticker;
	}

	/** The breaker kept the call away from the exchange: the last known price, said to be one. */
	Ticker lastKnownTicker(String exchange, String region, String symbol, CircuitBreakerOpenException ex) {
		return lastKnown(exchange, region, symbol, Source.BREAKER_OPEN);
	}

	/** The exchange failed this call (and the breaker counted it): the last known price too. */
	Ticker lastKnownTicker(String exchange, String region, String symbol, ExchangeUnavailableException ex) {
		return lastKnown(exchange, region, symbol, Source.EXCHANGE_FAILED);
	}

	private Ticker lastKnown(String exchange, String region, String symbol, String source) {
		Ticker last = this.lastKnown.get(key(exchange, region, symbol));
		return new Ticker(exchange, region, symbol, (last != null) ? last.price() : null,
				(last != null) ? last.pricedAt() : null, source, breakerName(exchange, region));
	}

	/** The name the annotation computes, made valid the same way. */
	static String breakerName(String exchange, String region) {
		return BreakerNames.encode(exchange + "/" + region + "/ticker");
	}

	private static String key(String exchange, String region, String symbol) {
		return exchange + "/" + region + "/" + symbol;
	}

}
