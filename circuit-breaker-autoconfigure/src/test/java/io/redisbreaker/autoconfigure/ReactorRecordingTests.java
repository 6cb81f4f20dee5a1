package io.redisbreaker.autoconfigure;

import java.io.IOException;
import java.time.Duration;

import io.redisbreaker.annotation.CircuitProtected;
import io.redisbreaker.core.CircuitBreakerRegistry;
import io.redisbreaker.core.CircuitState;
import io.redisbreaker.testsupport.Await;
import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.WithRedisServer;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What counts for reactive calls that are cut short or fail before returning a publisher.
 */
@WithRedisServer
class ReactorRecordingTests {

	private final RedisServer server;

	ReactorRecordingTests(RedisServer server) {
		this.server = server;
	}

	@Test
	void aFluxCancelledAfterItsFirstElementSucceeded() {
		BreakerTestContexts.runner(this.server)
			.withPropertyValues("circuitbreaker.defaults.failure-threshold=2")
			.withUserConfiguration(Config.class)
			.run((context) -> {
				Trades trades = context.getBean(Trades.class);
				CircuitBreakerRegistry registry = context.getBean(CircuitBreakerRegistry.class);
				trades.stream(true).onErrorResume((ex) -> Flux.empty()).blockLast();
				assertThat(trades.stream(false).next().block()).isEqualTo(1);
				Await.until(Duration.ofSeconds(5),
						() -> registry.circuitBreaker("trades/stream").getSnapshot().calls() == 2,
						"the cut-short call to be counted");
				trades.stream(true).onErrorResume((ex) -> Flux.empty()).blockLast();
				Await.until(Duration.ofSeconds(5),
						() -> registry.circuitBreaker("trades/stream").getSnapshot().calls() == 3,
						"the last failure to be counted");
				assertThat(registry.circuitBreaker("trades/stream").getState())
					.as("the success between the two failures broke the run").isEqualTo(CircuitState.CLOSED);
			});
	}

	@Test
	void aMonoMethodThatThrowsInsteadOfReturningCountsAsAFailedCall() {
		BreakerTestContexts.runner(this.server)
			.withPropertyValues("circuitbreaker.defaults.failure-threshold=1")
			.withUserConfiguration(Config.class)
			.run((context) -> {
				Trades trades = context.getBean(Trades.class);
				assertThat(trades.quote().block()).isEqualTo("fallback");
				CircuitBreakerRegistry registry = context.getBean(CircuitBreakerRegistry.class);
				Await.until(Duration.ofSeconds(5),
						() -> registry.circuitBreaker("trades/quote").getState() == CircuitState.OPEN,
						"the thrown failure to open the breaker");
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class Config {

		@Bean
		Trades trades() {
			return new Trades();
		}

	}

	static class Trades {

		@CircuitProtected(name = "trades/stream")
		public Flux<Integer> stream(boolean fail) {
			return fail ? Flux.error(new IOException("down")) : Flux.just(1, 2, 3);
		}

		@CircuitProtected(name = "trades/quote", fallbackMethod = "cachedQuote")
		public Mono<String> quote() {
			throw new IllegalStateException("failed while assembling");
		}

		Mono<String> cachedQuote(IllegalStateException ex) {
			return Mono.just("fallback");
		}

	}

}
