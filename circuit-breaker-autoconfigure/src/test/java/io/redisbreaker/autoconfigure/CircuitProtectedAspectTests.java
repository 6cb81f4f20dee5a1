package io.redisbreaker.autoconfigure;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import io.redisbreaker.annotation.CircuitProtected;
import io.redisbreaker.annotation.CircuitProtectedAspect;
import io.redisbreaker.core.BreakerNames;
import io.redisbreaker.core.CircuitBreaker;
import io.redisbreaker.core.CircuitBreakerOpenException;
import io.redisbreaker.core.CircuitBreakerRegistry;
import io.redisbreaker.core.CircuitState;
import io.redisbreaker.testsupport.Await;
import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.WithRedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.aop.support.AopUtils;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static io.redisbreaker.autoconfigure.BreakerTestContexts.awaitRedisState;
import static io.redisbreaker.autoconfigure.BreakerTestContexts.redisState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@code @CircuitProtected} methods of a real Spring bean against a real Redis: outcomes are counted in
 * the shared state, an open breaker keeps the method from running, and fallbacks take over by exception
 * type. Every breaker opens after two failures and stays open for a minute, so "open" assertions never
 * race the half-open transition; the one test about recovery uses its own short open timeout.
 */
@WithRedisServer
@ExtendWith(OutputCaptureExtension.class)
class CircuitProtectedAspectTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final RedisServer server;

	private final ApplicationContextRunner runner;

	CircuitProtectedAspectTests(RedisServer server) {
		this.server = server;
		this.runner = BreakerTestContexts.runner(server)
			.withPropertyValues("circuitbreaker.defaults.failure-threshold=2",
					"circuitbreaker.defaults.open-timeout=1m",
					"circuitbreaker.instances.strict.failure-threshold=1",
					"circuitbreaker.instances[aspect/recovering].open-timeout=200ms",
					"circuitbreaker.instances[aspect/recovering].success-threshold=1",
					"circuitbreaker.instances[aspect/recovering].half-open-max-calls=1")
			.withUserConfiguration(ServicesConfiguration.class);
	}

	@Test
	void closestFallbackTakesEachFailureAndFailuresStillCount() {
		this.runner.run((context) -> {
			TickerService service = context.getBean(TickerService.class);
			assertThat(AopUtils.isAopProxy(service)).isTrue();

			assertThat(service.fetch("ok")).isEqualTo("ticker:ok");
			assertThat(service.fetch("missing")).isEqualTo("missing:ok-not:missing");
			assertThat(redisState(this.server, TickerService.BREAKER)).isNull();
			assertThat(service.fetch("timeout")).isEqualTo("io:SocketTimeoutException:timeout");

			// Two consecutive failures, each handled by a fallback, opened the shared breaker (the second
			// failure could cross the threshold, so it was sent at once, not at the next flush).
			awaitRedisState(this.server, TickerService.BREAKER, "OPEN");
			assertThat(state(context, TickerService.BREAKER)).isEqualTo(CircuitState.OPEN);
			assertThat(service.calls()).isEqualTo(3);
		});
	}

	@Test
	void failureNoFallbackCoversIsRethrownAndCounted() {
		this.runner.run((context) -> {
			TickerService service = context.getBean(TickerService.class);

			assertThatIllegalStateException().isThrownBy(() -> service.fetch("bug")).withMessage("bug in fetch");
			assertThat(state(context, TickerService.BREAKER)).isEqualTo(CircuitState.CLOSED);
			assertThatIllegalStateException().isThrownBy(() -> service.fetch("bug"));

			awaitRedisState(this.server, TickerService.BREAKER, "OPEN");
		});
	}

	@Test
	void openBreakerGoesToTheFallbackThatAcceptsItWithoutCallingTheMethod() {
		this.runner.run((context) -> {
			TickerService service = context.getBean(TickerService.class);
			context.getBean(CircuitBreakerRegistry.class).circuitBreaker(TickerService.BREAKER).forceOpen();

			assertThat(service.fetch("ok")).isEqualTo("open:" + TickerService.BREAKER + ":FORCED_OPEN");
			assertThat(service.calls()).isEqualTo(0);
		});
	}

	@Test
	void openBreakerReachesTheCallerWhenNoFallbackAcceptsIt() throws Exception {
		this.runner.run((context) -> {
			QuoteService service = context.getBean(QuoteService.class);
			assertThat(service.quote(true)).isEqualTo("io-fallback");
			assertThat(service.quote(true)).isEqualTo("io-fallback");
			// Outcomes are sent without the caller waiting; this test reads Redis on a connection of its own.
			Await.until(WAIT, () -> "OPEN".equals(redisState(this.server, QuoteService.BREAKER)), "the breaker to open");

			assertThatExceptionOfType(CircuitBreakerOpenException.class).isThrownBy(() -> service.quote(false))
				.satisfies((ex) -> {
					assertThat(ex.getCircuitBreakerName()).isEqualTo(QuoteService.BREAKER);
					assertThat(ex.getState()).isEqualTo(CircuitState.OPEN);
					assertThat(ex.getRetryAfter()).isPositive();
				});
			assertThat(service.calls()).isEqualTo(2);
		});
	}

	@Test
	void halfOpenTrialAfterTheOpenTimeoutClosesTheBreakerAgain() {
		this.runner.run((context) -> {
			QuoteService service = context.getBean(QuoteService.class);
			assertThatIllegalStateException().isThrownBy(() -> service.recovering(true));
			assertThatIllegalStateException().isThrownBy(() -> service.recovering(true));
			awaitRedisState(this.server, "aspect/recovering", "OPEN");

			// Rejected while open, then (after 200 ms) one successful trial call closes it.
			String result = Await.value(WAIT, () -> {
				try {
					return service.recovering(false);
				}
				catch (CircuitBreakerOpenException ex) {
					return null;
				}
			}, (value) -> value != null, "a trial call to be permitted");
			assertThat(result).isEqualTo("recovered");
			awaitRedisState(this.server, "aspect/recovering", "CLOSED");
		});
	}

	@Test
	void expressionNameGivesEachArgumentCombinationItsOwnBreaker() {
		this.runner.run((context) -> {
			TickerService service = context.getBean(TickerService.class);
			CircuitBreakerRegistry registry = context.getBean(CircuitBreakerRegistry.class);

			assertThatIllegalStateException().isThrownBy(() -> service.ticker("upbit", "kr", true));
			assertThatIllegalStateException().isThrownBy(() -> service.ticker("upbit", "kr", true));

			awaitRedisState(this.server, "upbit/kr/ticker", "OPEN");
			assertThatExceptionOfType(CircuitBreakerOpenException.class)
				.isThrownBy(() -> service.ticker("upbit", "kr", false))
				.satisfies((ex) -> assertThat(ex.getCircuitBreakerName()).isEqualTo("upbit/kr/ticker"));
			// Another exchange and region: another breaker, still closed.
			assertThat(service.ticker("binance", "kr", false)).isEqualTo("binance/kr");
			assertThat(service.ticker("upbit", "id", false)).isEqualTo("upbit/id");

			assertThat(registry.find("upbit/kr/ticker")).isPresent();
			assertThat(registry.circuitBreaker("binance/kr/ticker").getState()).isEqualTo(CircuitState.CLOSED);
			assertThat(redisState(this.server, "binance/kr/ticker")).isNull();
			// No breaker is named after the unresolved expression.
			assertThat(registry.getAllCircuitBreakers()).extracting((breaker) -> breaker.getName())
				.noneMatch((name) -> name.contains("#"));
			Await.until(WAIT, () -> registry.getAllNames().containsAll(List.of("upbit/kr/ticker", "binance/kr/ticker",
					"upbit/id/ticker")), "the computed names to be listed in the shared index");
		});
	}

	@Test
	void completionStageOutcomesAreRecordedWhenTheStageCompletes() {
		this.runner.run((context) -> {
			AsyncService service = context.getBean(AsyncService.class);

			assertThat(service.quote("ok")).succeedsWithin(WAIT).isEqualTo("async:ok");
			// No fallback takes IOException: the caller's stage fails with it, unwrapped.
			assertThat(service.quote("fail")).failsWithin(WAIT)
				.withThrowableOfType(ExecutionException.class)
				.withCauseInstanceOf(IOException.class);
			assertThat(service.quote("fail")).failsWithin(WAIT)
				.withThrowableOfType(ExecutionException.class)
				.withCauseInstanceOf(IOException.class);

			// Outcomes are recorded after the caller's stage completed.
			Await.until(WAIT, () -> "OPEN".equals(redisState(this.server, AsyncService.BREAKER)),
					"the async breaker to open in Redis");
			assertThat(state(context, AsyncService.BREAKER)).isEqualTo(CircuitState.OPEN);

			int calls = service.calls();
			assertThat(service.quote("ok")).succeedsWithin(WAIT).isEqualTo("open-fallback:ok");
			assertThat(service.calls()).isEqualTo(calls);
		});
	}

	@Test
	void completionStageMethodThatThrowsReportsTheFailureThroughItsStage() {
		this.runner.run((context) -> {
			AsyncService service = context.getBean(AsyncService.class);

			CompletableFuture<String> first = service.quote("throw");
			CompletableFuture<String> second = service.quote("throw");

			assertThat(first).failsWithin(WAIT)
				.withThrowableOfType(ExecutionException.class)
				.withCauseInstanceOf(IllegalArgumentException.class);
			assertThat(second).isCompletedExceptionally();
			Await.until(WAIT, () -> "OPEN".equals(redisState(this.server, AsyncService.BREAKER)),
					"the async breaker to open in Redis");
		});
	}

	@Test
	void monoFailuresCountAndAnOpenBreakerGoesToTheFallbackWithoutSubscribing() {
		this.runner.run((context) -> {
			ReactiveService service = context.getBean(ReactiveService.class);

			StepVerifier.create(service.price("ok")).expectNext("price:ok").verifyComplete();
			StepVerifier.create(service.price("fail")).expectError(IOException.class).verify(WAIT);
			StepVerifier.create(service.price("fail")).expectError(IOException.class).verify(WAIT);

			Await.until(WAIT, () -> "OPEN".equals(redisState(this.server, ReactiveService.MONO_BREAKER)),
					"the Mono breaker to open in Redis");
			int subscriptions = service.monoSubscriptions();
			StepVerifier.create(service.price("ok")).expectNext("open-fallback:ok").expectComplete().verify(WAIT);
			assertThat(service.monoSubscriptions()).isEqualTo(subscriptions);
		});
	}

	@Test
	void monoIsNotCountedUntilSubscribed() {
		this.runner.run((context) -> {
			ReactiveService service = context.getBean(ReactiveService.class);

			Mono<String> failing = service.price("fail");
			Mono<String> alsoFailing = service.price("fail");
			assertThat(service.monoSubscriptions()).isEqualTo(0);
			assertThat(state(context, ReactiveService.MONO_BREAKER)).isEqualTo(CircuitState.CLOSED);

			StepVerifier.create(failing).expectError(IOException.class).verify(WAIT);
			StepVerifier.create(alsoFailing).expectError(IOException.class).verify(WAIT);
			Await.until(WAIT, () -> state(context, ReactiveService.MONO_BREAKER) == CircuitState.OPEN,
					"the Mono breaker to open");
		});
	}

	@Test
	void fluxFailuresCountAndAnOpenBreakerFailsTheSubscriber() {
		this.runner.run((context) -> {
			ReactiveService service = context.getBean(ReactiveService.class);

			StepVerifier.create(service.trades(false)).expectNext(1, 2, 3).verifyComplete();
			StepVerifier.create(service.trades(true)).expectNext(1).expectError(IOException.class).verify(WAIT);
			StepVerifier.create(service.trades(true)).expectNext(1).expectError(IOException.class).verify(WAIT);

			Await.until(WAIT, () -> "OPEN".equals(redisState(this.server, ReactiveService.FLUX_BREAKER)),
					"the Flux breaker to open in Redis");
			int subscriptions = service.fluxSubscriptions();
			StepVerifier.create(service.trades(false))
				.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(CircuitBreakerOpenException.class)
					.hasMessageContaining(ReactiveService.FLUX_BREAKER))
				.verify(WAIT);
			assertThat(service.fluxSubscriptions()).isEqualTo(subscriptions);
		});
	}

	@Test
	void classLevelAnnotationProtectsEveryPublicMethodWithOneBreaker() {
		this.runner.run((context) -> {
			InventoryService service = context.getBean(InventoryService.class);

			assertThat(service.stock(false)).isEqualTo("in stock");
			assertThatIllegalStateException().isThrownBy(() -> service.stock(true));
			assertThatIllegalStateException().isThrownBy(() -> service.reserve(true));
			awaitRedisState(this.server, InventoryService.BREAKER, "OPEN");

			// Both public methods share the class's breaker ...
			assertThatExceptionOfType(CircuitBreakerOpenException.class).isThrownBy(() -> service.stock(false));
			assertThatExceptionOfType(CircuitBreakerOpenException.class).isThrownBy(() -> service.reserve(false));
			// ... while a method-level annotation wins over the class-level one,
			assertThat(service.audit()).isEqualTo("audited");
			assertThat(redisState(this.server, "inventory-audit")).isNull();
			// and a non-public method is not protected at all.
			assertThat(service.internal()).isEqualTo("internal");
			assertThat(service.calls()).isEqualTo(5);
		});
	}

	@Test
	void classLevelAnnotationDoesNotProtectItsOwnPublicFallback() {
		this.runner.withBean(CatalogService.class).run((context) -> {
			assertThat(context).hasNotFailed();
			CatalogService service = context.getBean(CatalogService.class);

			assertThat(service.item("a", true)).isEqualTo("fallback:a:IllegalStateException");
			assertThat(service.item("a", true)).isEqualTo("fallback:a:IllegalStateException");
			awaitRedisState(this.server, CatalogService.BREAKER, "OPEN");
			// The open breaker goes to the fallback ...
			assertThat(service.item("a", false)).isEqualTo("fallback:a:CircuitBreakerOpenException");
			// ... and the fallback itself, public in the annotated class, is not behind that breaker.
			assertThat(service.fallback("b", new IllegalStateException("direct")))
				.isEqualTo("fallback:b:IllegalStateException");
			// A public method that only shares the fallback's name (no trailing exception) is protected as usual.
			assertThat(service.fallback("c")).isEqualTo("fallback:c:CircuitBreakerOpenException");
		});
	}

	@Test
	void computedNamesThatKeysCannotCarryAreEncodedAndTheCallIsStillProtected() {
		this.runner.withBean(NamingService.class).run((context) -> {
			NamingService service = context.getBean(NamingService.class);
			CircuitBreakerRegistry registry = context.getBean(CircuitBreakerRegistry.class);

			assertThat(service.ticker("up bit", true)).isEqualTo("failed:up bit");
			assertThat(service.ticker("up bit", true)).isEqualTo("failed:up bit");
			awaitRedisState(this.server, "up%20bit/ticker", "OPEN");
			// The breaker is open under its encoded name, and the fallback still takes the rejection.
			assertThat(service.ticker("up bit", false)).isEqualTo("open:up%20bit/ticker");

			assertThat(service.ticker("{x}", false)).isEqualTo("ticker:{x}");
			assertThat(service.ticker("업비트", false)).isEqualTo("ticker:업비트");
			String longSegment = "a".repeat(500);
			assertThat(service.ticker(longSegment, false)).isEqualTo("ticker:" + longSegment);
			assertThat(registry.getAllCircuitBreakers()).extracting(CircuitBreaker::getName)
				.contains("%7Bx%7D/ticker", "업비트/ticker")
				.anySatisfy((name) -> assertThat(name).hasSize(BreakerNames.MAX_LENGTH).startsWith("a".repeat(150)));
			assertThat(context.getBean(CircuitProtectedAspect.class).getUnprotectedCalls()).isZero();
		});
	}

	@Test
	void callWhoseNameCannotBeComputedRunsUnprotectedWithARateLimitedWarning(CapturedOutput output) {
		this.runner.withBean(NamingService.class).run((context) -> {
			NamingService service = context.getBean(NamingService.class);
			CircuitProtectedAspect aspect = context.getBean(CircuitProtectedAspect.class);

			// The name expression evaluates to null: the calls run, and their failures still reach the fallback.
			assertThat(service.exchange(null, false)).isEqualTo("ticker:null");
			assertThat(service.exchange(null, true)).isEqualTo("failed:null");
			assertThat(service.exchange(null, false)).isEqualTo("ticker:null");
			// The expression throws (a method call on null): CompletionStage and Mono methods still return.
			assertThat(service.quote(null, false)).succeedsWithin(WAIT).isEqualTo("quote:null");
			assertThat(service.quote(null, true)).succeedsWithin(WAIT).isEqualTo("failed:null");
			StepVerifier.create(service.price(null)).expectNext("price:null").verifyComplete();

			assertThat(aspect.getUnprotectedCalls()).isEqualTo(6);
			String warning = "@CircuitProtected method " + NamingService.class.getName()
					+ "#exchange(String, boolean) ran without a circuit breaker: its name '#exchange' could not be used";
			assertThat(output.getOut()).contains(warning, "evaluated to null",
					"#quote(String, boolean) ran without a circuit breaker", "#price(String) ran without a circuit breaker");
			// One warning per name expression and minute, however many calls.
			assertThat(output.getOut().split(Pattern.quote(warning), -1)).hasSize(2);
			assertThat(context.getBean(CircuitBreakerRegistry.class).getAllCircuitBreakers())
				.extracting(CircuitBreaker::getName)
				.noneMatch((name) -> name.contains("null"));
		});
	}

	@Test
	void configurationAttributeAppliesTheNamedInstanceSettingsToComputedNames() {
		this.runner.run((context) -> {
			OrderService service = context.getBean(OrderService.class);
			CircuitBreakerRegistry registry = context.getBean(CircuitBreakerRegistry.class);

			assertThatIllegalStateException().isThrownBy(() -> service.place("eu", true));

			// One failure is enough with "strict" (failure-threshold 1); the defaults need two.
			awaitRedisState(this.server, "eu/orders", "OPEN");
			assertThat(registry.circuitBreaker("eu/orders").getConfig().getFailureThreshold()).isEqualTo(1);
			assertThat(registry.circuitBreaker("eu/orders").getConfig().getOpenTimeout())
				.isEqualTo(Duration.ofMinutes(1));
			assertThatExceptionOfType(CircuitBreakerOpenException.class).isThrownBy(() -> service.place("eu", false));
			assertThat(service.place("us", false)).isEqualTo("placed in us");
		});
	}

	private static CircuitState state(AssertableApplicationContext context, String breaker) {
		return context.getBean(CircuitBreakerRegistry.class).circuitBreaker(breaker).getSnapshot().state();
	}

	@Configuration(proxyBeanMethods = false)
	static class ServicesConfiguration {

		@Bean
		TickerService tickerService() {
			return new TickerService();
		}

		@Bean
		QuoteService quoteService() {
			return new QuoteService();
		}

		@Bean
		AsyncService asyncService() {
			return new AsyncService();
		}

		@Bean
		ReactiveService reactiveService() {
			return new ReactiveService();
		}

		@Bean
		InventoryService inventoryService() {
			return new InventoryService();
		}

		@Bean
		OrderService orderService() {
			return new OrderService();
		}

	}

	static class TickerService {

		static final String BREAKER = "aspect/ticker";

		final AtomicInteger calls = new AtomicInteger();

		// Package-private: fields of the CGLIB proxy are not the target's, and only public methods are protected.
		int calls() {
			return this.calls.get();
		}

		@CircuitProtected(name = BREAKER, fallbackMethod = "fallback")
		public String fetch(String symbol) throws IOException {
			this.calls.incrementAndGet();
			return switch (symbol) {
				case "missing" -> throw new FileNotFoundException("not:" + symbol);
				case "timeout" -> throw new SocketTimeoutException("slow");
				case "bug" -> throw new IllegalStateException("bug in fetch");
				default -> "ticker:" + symbol;
			};
		}

		// Three candidates; each failure goes to the one whose exception type is closest.
		String fallback(String symbol, IOException ex) {
			return "io:" + ex.getClass().getSimpleName() + ":" + symbol;
		}

		String fallback(String symbol, FileNotFoundException ex) {
			return "missing:ok-" + ex.getMessage();
		}

		private String fallback(String symbol, CircuitBreakerOpenException ex) {
			return "open:" + ex.getCircuitBreakerName() + ":" + ex.getState();
		}

		@CircuitProtected(name = "#{#exchange}/#{#region}/ticker")
		public String ticker(String exchange, String region, boolean fail) {
			if (fail) {
				throw new IllegalStateException("no ticker for " + exchange + "/" + region);
			}
			return exchange + "/" + region;
		}

	}

	static class QuoteService {

		static final String BREAKER = "aspect/quotes";

		final AtomicInteger calls = new AtomicInteger();

		// Package-private: fields of the CGLIB proxy are not the target's, and only public methods are protected.
		int calls() {
			return this.calls.get();
		}

		@CircuitProtected(name = BREAKER, fallbackMethod = "ioFallback")
		public String quote(boolean fail) throws IOException {
			this.calls.incrementAndGet();
			if (fail) {
				throw new IOException("quotes down");
			}
			return "quote";
		}

		String ioFallback(boolean fail, IOException ex) {
			return "io-fallback";
		}

		@CircuitProtected(name = "aspect/recovering")
		public String recovering(boolean fail) {
			if (fail) {
				throw new IllegalStateException("still down");
			}
			return "recovered";
		}

	}

	static class AsyncService {

		static final String BREAKER = "aspect/async";

		final AtomicInteger calls = new AtomicInteger();

		// Package-private: fields of the CGLIB proxy are not the target's, and only public methods are protected.
		int calls() {
			return this.calls.get();
		}

		@CircuitProtected(name = BREAKER, fallbackMethod = "openFallback")
		public CompletableFuture<String> quote(String symbol) {
			this.calls.incrementAndGet();
			if (symbol.equals("throw")) {
				throw new IllegalArgumentException("thrown before any stage exists");
			}
			return CompletableFuture.supplyAsync(() -> {
				if (symbol.equals("fail")) {
					throw new CompletionException(new IOException("async down"));
				}
				return "async:" + symbol;
			});
		}

		CompletableFuture<String> openFallback(String symbol, CircuitBreakerOpenException ex) {
			return CompletableFuture.completedFuture("open-fallback:" + symbol);
		}

	}

	static class ReactiveService {

		static final String MONO_BREAKER = "aspect/mono";

		static final String FLUX_BREAKER = "aspect/flux";

		final AtomicInteger monoSubscriptions = new AtomicInteger();

		final AtomicInteger fluxSubscriptions = new AtomicInteger();

		int monoSubscriptions() {
			return this.monoSubscriptions.get();
		}

		int fluxSubscriptions() {
			return this.fluxSubscriptions.get();
		}

		@CircuitProtected(name = MONO_BREAKER, fallbackMethod = "openFallback")
		public Mono<String> price(String symbol) {
			return Mono.defer(() -> {
				this.monoSubscriptions.incrementAndGet();
				return symbol.equals("fail") ? Mono.error(new IOException("prices down"))
						: Mono.just("price:" + symbol);
			});
		}

		Mono<String> openFallback(String symbol, CircuitBreakerOpenException ex) {
			return Mono.just("open-fallback:" + symbol);
		}

		@CircuitProtected(name = FLUX_BREAKER)
		public Flux<Integer> trades(boolean fail) {
			return Flux.defer(() -> {
				this.fluxSubscriptions.incrementAndGet();
				return fail ? Flux.just(1).concatWith(Flux.error(new IOException("trades down"))) : Flux.just(1, 2, 3);
			});
		}

	}

	@CircuitProtected(name = InventoryService.BREAKER)
	static class InventoryService {

		static final String BREAKER = "aspect/inventory";

		final AtomicInteger calls = new AtomicInteger();

		// Package-private: fields of the CGLIB proxy are not the target's, and only public methods are protected.
		int calls() {
			return this.calls.get();
		}

		public String stock(boolean fail) {
			this.calls.incrementAndGet();
			if (fail) {
				throw new IllegalStateException("stock down");
			}
			return "in stock";
		}

		public String reserve(boolean fail) {
			this.calls.incrementAndGet();
			if (fail) {
				throw new IllegalStateException("reservations down");
			}
			return "reserved";
		}

		@CircuitProtected(name = "inventory-audit")
		public String audit() {
			this.calls.incrementAndGet();
			return "audited";
		}

		String internal() {
			this.calls.incrementAndGet();
			return "internal";
		}

	}

	@CircuitProtected(name = CatalogService.BREAKER, fallbackMethod = "fallback")
	static class CatalogService {

		static final String BREAKER = "aspect/catalog";

		public String item(String id, boolean fail) {
			if (fail) {
				throw new IllegalStateException("catalog down");
			}
			return "item:" + id;
		}

		public String fallback(String id, boolean fail, Exception ex) {
			return fallback(id, ex);
		}

		public String fallback(String id, Exception ex) {
			return "fallback:" + id + ":" + ex.getClass().getSimpleName();
		}

		public String fallback(String id) {
			return "not a fallback:" + id;
		}

	}

	static class NamingService {

		@CircuitProtected(name = "#{#exchange}/ticker", fallbackMethod = "fallback")
		public String ticker(String exchange, boolean fail) {
			if (fail) {
				throw new IllegalStateException("down");
			}
			return "ticker:" + exchange;
		}

		@CircuitProtected(name = "#exchange", fallbackMethod = "fallback")
		public String exchange(String exchange, boolean fail) {
			return ticker(exchange, fail);
		}

		String fallback(String exchange, boolean fail, CircuitBreakerOpenException ex) {
			return "open:" + ex.getCircuitBreakerName();
		}

		String fallback(String exchange, boolean fail, IllegalStateException ex) {
			return "failed:" + exchange;
		}

		@CircuitProtected(name = "#exchange.toUpperCase() + '/quote'", fallbackMethod = "quoteFallback")
		public CompletableFuture<String> quote(String exchange, boolean fail) {
			if (fail) {
				throw new IllegalStateException("thrown before any stage exists");
			}
			return CompletableFuture.completedFuture("quote:" + exchange);
		}

		CompletableFuture<String> quoteFallback(String exchange, boolean fail, IllegalStateException ex) {
			return CompletableFuture.completedFuture("failed:" + exchange);
		}

		@CircuitProtected(name = "#exchange.toUpperCase() + '/price'")
		public Mono<String> price(String exchange) {
			return Mono.just("price:" + exchange);
		}

	}

	static class OrderService {

		@CircuitProtected(name = "#{#region}/orders", configuration = "strict")
		public String place(String region, boolean fail) {
			if (fail) {
				throw new IllegalStateException("orders down in " + region);
			}
			return "placed in " + region;
		}

	}

}
