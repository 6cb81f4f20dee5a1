package io.redisbreaker.autoconfigure;

import io.redisbreaker.annotation.CircuitProtected;
import io.redisbreaker.core.CircuitBreaker;
import io.redisbreaker.core.CircuitBreakerRegistry;
import io.redisbreaker.core.CircuitSnapshot;
import io.redisbreaker.core.CircuitState;
import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.WithRedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static io.redisbreaker.autoconfigure.BreakerTestContexts.awaitRedisState;
import static io.redisbreaker.autoconfigure.BreakerTestContexts.redisState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Reading a breaker never creates it or decides its settings, an explicit configuration wins over a
 * breaker created implicitly with the defaults, and conflicting explicit configurations are reported.
 */
@WithRedisServer
@ExtendWith(OutputCaptureExtension.class)
class CircuitBreakerRegistryTests {

	private static final String NAME = "upbit/kr/ticker";

	private final RedisServer server;

	private final ApplicationContextRunner runner;

	CircuitBreakerRegistryTests(RedisServer server) {
		this.server = server;
		this.runner = BreakerTestContexts.runner(server)
			.withPropertyValues("circuitbreaker.instances.exchange-ticker.failure-threshold=3",
					"circuitbreaker.instances.strict.failure-threshold=1")
			.withBean(TickerService.class);
	}

	@Test
	void readingABreakerThatAnotherInstanceUsedNeitherCreatesItNorDecidesItsSettings() {
		this.runner.run((context) -> {
			CircuitBreakerRegistry registry = context.getBean(CircuitBreakerRegistry.class);
			TickerService service = context.getBean(TickerService.class);
			// Another instance has used the breaker: it is in the shared index, not in this JVM.
			this.server.command("ZADD", "cb:index", "+inf", NAME);

			assertThat(registry.getAllNames()).contains(NAME);
			for (String name : registry.getAllNames()) {
				CircuitSnapshot snapshot = registry.snapshot(name);
				assertThat(snapshot.state()).isEqualTo(CircuitState.CLOSED);
			}
			assertThat(registry.snapshot(NAME, "exchange-ticker").name()).isEqualTo(NAME);
			assertThat(registry.find(NAME)).isEmpty();
			assertThat(registry.getAllCircuitBreakers()).isEmpty();

			for (int i = 0; i < 3; i++) {
				assertThatIllegalStateException().isThrownBy(() -> service.ticker("upbit", "kr", true));
			}
			// The annotation's configuration decided: three failures (exchange-ticker), not five (defaults).
			awaitRedisState(this.server, NAME, "OPEN");
			assertThat(registry.snapshot(NAME).state()).isEqualTo(CircuitState.OPEN);
		});
	}

	@Test
	void explicitConfigurationWinsOverABreakerCreatedImplicitlyWithTheDefaults() {
		this.runner.run((context) -> {
			CircuitBreakerRegistry registry = context.getBean(CircuitBreakerRegistry.class);
			TickerService service = context.getBean(TickerService.class);
			CircuitBreaker implicit = registry.circuitBreaker(NAME);
			assertThat(implicit.getConfig().getFailureThreshold()).isEqualTo(5);

			assertThatIllegalStateException().isThrownBy(() -> service.ticker("upbit", "kr", true));

			assertThat(registry.find(NAME)).get()
				.satisfies((breaker) -> assertThat(breaker.getConfig().getFailureThreshold()).isEqualTo(3));
			assertThat(registry.circuitBreaker(NAME).getConfig().getFailureThreshold()).isEqualTo(3);
			assertThatIllegalStateException().isThrownBy(() -> service.ticker("upbit", "kr", true));
			assertThatIllegalStateException().isThrownBy(() -> service.ticker("upbit", "kr", true));
			awaitRedisState(this.server, NAME, "OPEN");
		});
	}

	@Test
	void conflictingExplicitConfigurationsKeepTheFirstAndWarnOnce(CapturedOutput output) {
		this.runner.run((context) -> {
			CircuitBreakerRegistry registry = context.getBean(CircuitBreakerRegistry.class);
			CircuitBreaker first = registry.circuitBreaker("shared/name", "exchange-ticker");

			assertThat(registry.circuitBreaker("shared/name", "strict")).isSameAs(first);
			assertThat(registry.circuitBreaker("shared/name", "strict")).isSameAs(first);
			assertThat(registry.circuitBreaker("shared/name", "exchange-ticker")).isSameAs(first);

			assertThat(first.getConfig().getFailureThreshold()).isEqualTo(3);
			String warning = "Circuit breaker 'shared/name' is asked for with configuration 'strict' but already uses "
					+ "configuration 'exchange-ticker', whose settings differ; keeping configuration 'exchange-ticker'";
			assertThat(output.getOut()).contains(warning);
			assertThat(output.getOut().split(java.util.regex.Pattern.quote(warning), -1)).hasSize(2);
		});
	}

	static class TickerService {

		@CircuitProtected(name = "#{#exchange}/#{#region}/ticker", configuration = "exchange-ticker")
		public String ticker(String exchange, String region, boolean fail) {
			if (fail) {
				throw new IllegalStateException("no ticker for " + exchange + "/" + region);
			}
			return exchange + "/" + region;
		}

	}

}
