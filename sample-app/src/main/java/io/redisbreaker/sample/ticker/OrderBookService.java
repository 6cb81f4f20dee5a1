package io.redisbreaker.sample.ticker;

import java.util.List;

import io.redisbreaker.annotation.CircuitProtected;
import io.redisbreaker.core.BreakerNames;
import io.redisbreaker.core.CircuitBreakerOpenException;
import io.redisbreaker.sample.exchange.ExchangeClient;
import io.redisbreaker.sample.exchange.ExchangeUnavailableException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.stereotype.Service;

/**
 * The reactive way: the method returns a {@link Mono}, the breaker asks for permission when it is
 * subscribed to and counts its value or its error ({@code upbit/kr/orderbook}).
 */
@Service
public class OrderBookService {

	/** The {@code circuitbreaker.instances} entry every order book breaker uses. */
	public static final String CONFIGURATION = "exchange-orderbook";

	private final ExchangeClient exchange;

	public OrderBookService(ExchangeClient exchange) {
		this.exchange = exchange;
	}

	@CircuitProtected(name = "#{#exchange}/#{#region}/orderbook", configuration = CONFIGURATION,
			fallbackMethod = "emptyBook")
	public Mono<OrderBook> orderBook(String exchange, String region, String symbol) {
		// The simulated client blocks like a real HTTP client would: off the caller's thread.
		return Mono.fromCallable(() -> new OrderBook(exchange, region, symbol,
				this.exchange.orderBook(exchange, region, symbol), Source.LIVE, breakerName(exchange, region)))
			.subscribeOn(Schedulers.boundedElastic());
	}

	Mono<OrderBook> emptyBook(String exchange, String region, String symbol, CircuitBreakerOpenException ex) {
		return Mono.just(new OrderBook(exchange, region, symbol, List.of(), Source.BREAKER_OPEN,
				breakerName(exchange, region)));
	}

	Mono<OrderBook> emptyBook(String exchange, String region, String symbol, ExchangeUnavailableException ex) {
		return Mono.just(new OrderBook(exchange, region, symbol, List.of(), Source.EXCHANGE_FAILED,
				breakerName(exchange, region)));
	}

	static String breakerName(String exchange, String region) {
		return BreakerNames.encode(exchange + "/" + region + "/orderbook");
	}

}
