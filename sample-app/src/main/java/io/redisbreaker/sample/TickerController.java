package io.redisbreaker.sample;

import java.util.Map;
import java.util.TreeMap;

import io.redisbreaker.core.CircuitBreakerRegistry;
import io.redisbreaker.core.CircuitSnapshot;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Tickers, a switch to simulate an exchange outage, and a read-out of the shared breakers.
 */
@RestController
public class TickerController {

	private final TickerService tickers;

	private final ExchangeApi api;

	private final CircuitBreakerRegistry registry;

	public TickerController(TickerService tickers, ExchangeApi api, CircuitBreakerRegistry registry) {
		this.tickers = tickers;
		this.api = api;
		this.registry = registry;
	}

	@GetMapping("/tickers/{exchange}/{region}/{symbol}")
	public Ticker ticker(@PathVariable String exchange, @PathVariable String region, @PathVariable String symbol) {
		return this.tickers.ticker(exchange, region, symbol);
	}

	@PostMapping("/exchanges/{exchange}/outage")
	public Map<String, Boolean> outage(@PathVariable String exchange, @RequestParam boolean down) {
		this.api.setDown(exchange, down);
		return this.api.status(exchange);
	}

	/**
	 * Every breaker any instance has used, with its shared state. Reads only: creating the breakers here
	 * (with {@code registry.circuitBreaker(name)}) would give them the defaults instead of the
	 * {@code exchange-ticker} settings their calls use.
	 */
	@GetMapping("/breakers")
	public Map<String, CircuitSnapshot> breakers() {
		Map<String, CircuitSnapshot> snapshots = new TreeMap<>();
		for (String name : this.registry.getAllNames()) {
			// Every breaker of this application comes from TickerService, so they share its configuration.
			snapshots.put(name, this.registry.snapshot(name, TickerService.CONFIGURATION));
		}
		return snapshots;
	}

}
