package io.redisbreaker.sample.ticker;

import reactor.core.publisher.Mono;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /tickers/upbit/kr/BTC} and {@code GET /orderbooks/upbit/kr/BTC}.
 */
@RestController
public class TickerController {

	private final TickerService tickers;

	private final OrderBookService orderBooks;

	public TickerController(TickerService tickers, OrderBookService orderBooks) {
		this.tickers = tickers;
		this.orderBooks = orderBooks;
	}

	@GetMapping("/tickers/{exchange}/{region}/{symbol}")
	public Ticker ticker(@PathVariable String exchange, @PathVariable String region, @PathVariable String symbol) {
		return this.tickers.ticker(exchange, region, symbol);
	}

	@GetMapping("/orderbooks/{exchange}/{region}/{symbol}")
	public Mono<OrderBook> orderBook(@PathVariable String exchange, @PathVariable String region,
			@PathVariable String symbol) {
		return this.orderBooks.orderBook(exchange, region, symbol);
	}

}
