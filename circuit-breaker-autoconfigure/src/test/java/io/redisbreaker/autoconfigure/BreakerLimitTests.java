package io.redisbreaker.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.redisbreaker.annotation.CircuitProtected;
import io.redisbreaker.core.CircuitBreaker;
import io.redisbreaker.core.CircuitBreakerOpenException;
import io.redisbreaker.core.CircuitBreakerRegistry;
import io.redisbreaker.testsupport.Await;
import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.WithRedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code circuitbreaker.max-breakers}: names computed from request arguments cannot make breakers
 * (and Redis keys) without bound, in one JVM or across the fleet, and breakers nobody uses go away.
 */
@WithRedisServer
@ExtendWith(OutputCaptureExtension.class)
class BreakerLimitTests {

	private static final int LIMIT = 50;

	private final RedisServer server;

	BreakerLimitTests(RedisServer server) {
		this.server = server;
	}

	@Test
	void aFloodOfComputedNamesIsHeldToTheLimitInRedisAndInEachJvm(CapturedOutput output) {
		BreakerTestContexts.runner(this.server)
			.withPropertyValues("circuitbreaker.max-breakers=" + LIMIT, "circuitbreaker.instance-id=a")
			.withBean(TickerService.class)
			.run((a) -> BreakerTestContexts.runner(this.server)
				.withPropertyValues("circuitbreaker.max-breakers=" + LIMIT, "circuitbreaker.instance-id=b")
				.withBean(TickerService.class)
				.run((b) -> {
					TickerService onA = a.getBean(TickerService.class);
					TickerService onB = b.getBean(TickerService.class);
					for (int i = 0; i < 2500; i++) {
						// Every call still answers: the ones beyond the limit run unprotected.
						assertThat(onA.ticker("exchange-a" + i)).isEqualTo("exchange-a" + i + " 100");
						assertThat(onB.ticker("exchange-b" + i)).isEqualTo("exchange-b" + i + " 100");
					}
					CircuitBreakerRegistry registryA = a.getBean(CircuitBreakerRegistry.class);
					CircuitBreakerRegistry registryB = b.getBean(CircuitBreakerRegistry.class);
					Await.until(Duration.ofSeconds(10), () -> registryA.getAllNames().size() == LIMIT,
							"the index to fill up to the limit");
					assertThat(this.server.command("ZCARD", "cb:index")).isEqualTo((long) LIMIT);
					assertThat(protectedBreakers(registryA)).isLessThanOrEqualTo(LIMIT);
					assertThat(protectedBreakers(registryB)).isLessThanOrEqualTo(LIMIT);
					assertThat(protectedBreakers(registryA) + protectedBreakers(registryB)).isEqualTo(LIMIT);
					assertThat(registryA.getAllCircuitBreakers()).hasSizeLessThanOrEqualTo(LIMIT);
					// Each JVM creates up to the limit itself; those the fleet had no room for protect nothing
					// from Redis' answer on, and the calls beyond the JVM's limit never got a breaker.
					assertThat(registryA.getOverLimitRequests() + registryB.getOverLimitRequests())
						.isGreaterThanOrEqualTo(5000 - 2 * LIMIT);
					// Keys were written only for breakers the fleet listed: the scripts count no outcome of another.
					List<String> windows = new ArrayList<>(List.of("EXISTS"));
					for (int i = 0; i < 2500; i++) {
						windows.add("cb:{exchange-a" + i + "/ticker}:window");
						windows.add("cb:{exchange-b" + i + "/ticker}:window");
					}
					assertThat((Long) this.server.command(windows.toArray(String[]::new))).isPositive()
						.isLessThanOrEqualTo(LIMIT);
				}));
		String warning = "@CircuitProtected method " + TickerService.class.getName()
				+ "#ticker(String) (name '#{#exchange}/ticker') ran calls without a circuit breaker: "
				+ "circuitbreaker.max-breakers (" + LIMIT + ") breakers exist already; names without one: '";
		assertThat(output.getAll()).contains(warning).contains("exchange-a").contains("raise circuitbreaker.max-breakers");
		// Once a minute per method and instance, not once per call.
		assertThat(output.getAll().split(java.util.regex.Pattern.quote(warning), -1)).hasSizeLessThanOrEqualTo(3);
	}

	@Test
	void underTheDenyPolicyACallBeyondTheLimitIsRejectedAndItsFallbackRuns() {
		BreakerTestContexts.runner(this.server)
			.withPropertyValues("circuitbreaker.max-breakers=1", "circuitbreaker.overflow-policy=deny")
			.withBean(TickerService.class)
			.run((context) -> {
				TickerService service = context.getBean(TickerService.class);
				assertThat(service.tickerWithFallback("upbit")).isEqualTo("upbit 100");
				assertThat(service.tickerWithFallback("bithumb"))
					.isEqualTo("fallback: Circuit breaker 'bithumb/ticker-with-fallback' was not created "
							+ "(circuitbreaker.max-breakers=1 reached) and circuitbreaker.overflow-policy=deny rejects its calls");
				assertThat(context.getBean(CircuitBreakerRegistry.class).find("bithumb/ticker-with-fallback")).isEmpty();
			});
	}

	@Test
	void breakersUnusedForAKeyTtlAreDroppedFromTheJvm() {
		BreakerTestContexts.runner(this.server)
			.withPropertyValues("circuitbreaker.key-ttl=1s", "circuitbreaker.defaults.sliding-window=1s",
					"circuitbreaker.defaults.open-timeout=500ms", "circuitbreaker.defaults.max-open-timeout=500ms",
					"circuitbreaker.defaults.half-open-permit-lease=1s")
			.withBean(TickerService.class)
			.run((context) -> {
				CircuitBreakerRegistry registry = context.getBean(CircuitBreakerRegistry.class);
				context.getBean(TickerService.class).ticker("upbit");
				assertThat(registry.find("upbit/ticker")).isPresent();
				Await.until(Duration.ofSeconds(15), () -> registry.find("upbit/ticker").isEmpty(),
						"the idle breaker to be dropped");
				// Used again, it is simply created again.
				context.getBean(TickerService.class).ticker("upbit");
				assertThat(registry.find("upbit/ticker")).isPresent();
			});
	}

	private static long protectedBreakers(CircuitBreakerRegistry registry) {
		return registry.getAllCircuitBreakers().stream().filter((breaker) -> !breaker.isOverLimit()).count();
	}

	static class TickerService {

		@CircuitProtected(name = "#{#exchange}/ticker")
		public String ticker(String exchange) {
			return exchange + " 100";
		}

		@CircuitProtected(name = "#{#exchange}/ticker-with-fallback", fallbackMethod = "fallback")
		public String tickerWithFallback(String exchange) {
			return exchange + " 100";
		}

		String fallback(String exchange, CircuitBreakerOpenException ex) {
			return "fallback: " + ex.getMessage();
		}

	}

}
