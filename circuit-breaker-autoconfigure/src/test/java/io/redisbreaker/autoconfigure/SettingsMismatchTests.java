package io.redisbreaker.autoconfigure;

import java.time.Duration;

import io.redisbreaker.actuate.CircuitBreakerDetails;
import io.redisbreaker.actuate.CircuitBreakersEndpoint;
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
 * Two instances whose settings for one breaker differ (a rolling deploy, a typo in one profile) find
 * out: the one that sees the other's settings warns once, naming the differing settings, and the
 * endpoint shows the mismatch.
 */
@WithRedisServer
@ExtendWith(OutputCaptureExtension.class)
class SettingsMismatchTests {

	private final RedisServer server;

	SettingsMismatchTests(RedisServer server) {
		this.server = server;
	}

	@Test
	void anInstanceWithOtherSettingsForABreakerWarnsOnceNamingThem(CapturedOutput output) {
		BreakerTestContexts.runner(this.server)
			.withPropertyValues("circuitbreaker.instance-id=a", "circuitbreaker.instances.orders.failure-threshold=3")
			.run((a) -> BreakerTestContexts.runner(this.server)
				.withPropertyValues("circuitbreaker.instance-id=b", "circuitbreaker.instances.orders.failure-threshold=5",
						"circuitbreaker.instances.orders.open-timeout=30s")
				.run((b) -> {
					CircuitBreakerRegistry onA = a.getBean(CircuitBreakerRegistry.class);
					CircuitBreakerRegistry onB = b.getBean(CircuitBreakerRegistry.class);
					onA.circuitBreaker("orders");
					Await.until(Duration.ofSeconds(10), () -> this.server.command("HGET", "cb:{orders}:settings",
							"instance") != null, "instance a to record its settings");
					onB.circuitBreaker("orders");
					String warning = "Circuit breaker 'orders' has other settings on instance a than on this instance b: "
							+ "failure-threshold 3 there, 5 here; open-timeout PT1M there, PT30S here.";
					Await.until(Duration.ofSeconds(10), () -> output.getAll().contains(warning), "the warning");
					// B recorded its settings last: A's endpoint shows that they differ from its own.
					CircuitBreakerDetails seenByA = new CircuitBreakersEndpoint(onA).circuitBreaker(new String[] { "orders" });
					assertThat(seenByA.settingsMismatch()).isTrue();
					CircuitBreakerDetails seenByB = new CircuitBreakersEndpoint(onB).circuitBreaker(new String[] { "orders" });
					assertThat(seenByB.settingsMismatch()).isFalse();
					// Checking again (housekeeping does, every minute) does not repeat the warning.
					onB.checkSettings().toCompletableFuture().join();
					onA.checkSettings().toCompletableFuture().join();
					onB.checkSettings().toCompletableFuture().join();
					assertThat(output.getAll().split(java.util.regex.Pattern.quote(warning), -1)).hasSize(2);
					assertThat(output.getAll()).contains("Circuit breaker 'orders' has other settings on instance b than "
							+ "on this instance a: failure-threshold 5 there, 3 here");
				}));
	}

	@Test
	void instancesWithTheSameSettingsSayNothing(CapturedOutput output) {
		BreakerTestContexts.runner(this.server).withPropertyValues("circuitbreaker.instance-id=a").run((a) -> {
			BreakerTestContexts.runner(this.server).withPropertyValues("circuitbreaker.instance-id=b").run((b) -> {
				a.getBean(CircuitBreakerRegistry.class).circuitBreaker("orders");
				b.getBean(CircuitBreakerRegistry.class).circuitBreaker("orders");
				a.getBean(CircuitBreakerRegistry.class).checkSettings().toCompletableFuture().join();
				b.getBean(CircuitBreakerRegistry.class).checkSettings().toCompletableFuture().join();
				assertThat(this.server.command("HGET", "cb:{orders}:settings", "hash")).isNotNull();
				assertThat(output.getAll()).doesNotContain("has other settings");
			});
		});
	}

}
