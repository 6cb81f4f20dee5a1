package io.redisbreaker.sample;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.redisbreaker.annotation.CircuitProtected;
import io.redisbreaker.core.CircuitBreakerOpenException;
import io.redisbreaker.sample.ExchangeApi.ExchangeUnavailableException;
import org.springframework.stereotype.Service;

/**
 * One breaker per exchange, region and request type ({@code upbit/kr/ticker}), as in the source
 * guide; all breakers share the {@code exchange-ticker} settings. The exchange comes from the URL, so
 * it may hold anything: the computed name is made valid ({@code "up bit"} gives the breaker
 * {@code up%20bit/kr/ticker}), and the call is never failed because of it.
 */
@Service
public class TickerService {

	/** The {@code circuitbreaker.instances} entry every ticker breaker uses. */
	public static final String CONFIGURATION = "exchange-ticker";

	private final ExchangeApi api;

	private final Map<String, Ticker> lastKnown = new ConcurrentHashMap<>();

	public TickerService(ExchangeApi api) {
		this.api = api;
	}

	@CircuitProtected(name = "#{#exchange}/#{#region}/ticker", configuration = CONFIGURATION,
			fallbackMethod = "cachedTicker")
	public Ticker ticker(String exchange, String region, String symbol) {
		Ticker ticker = this.api.fetch(exchange, region, symbol);
		this.lastKnown.put(key(exchange, region, symbol), ticker);
		return ticker;
	}

	/** The breaker is open: serve the last known price without calling the exchange. */
	Ticker cachedTicker(String exchange, String region, String symbol, CircuitBreakerOpenException ex) {
		return cached(exchange, region, symbol);
	}

	/** The exchange failed this call: serve the last known price too. */
	Ticker cachedTicker(String exchange, String region, String symbol, ExchangeUnavailableException ex) {
		return cached(exchange, region, symbol);
	}

	private Ticker cached(String exchange, String region, String symbol) {
		Ticker last = this.lastKnown.get(key(exchange, region, symbol));
		return new Ticker(exchange, region, symbol, (last != null) ? last.price() : null, true);
	}

	private static String key(String exchange, String region, String symbol) {
		return exchange + "/" + region + "/" + symbol;
	}

}
