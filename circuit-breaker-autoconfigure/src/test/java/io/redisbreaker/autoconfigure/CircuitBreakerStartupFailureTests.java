package io.redisbreaker.autoconfigure;

import io.redisbreaker.annotation.CircuitProtected;
import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.WithRedisServer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static io.redisbreaker.autoconfigure.BreakerTestContexts.messages;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Invalid {@code circuitbreaker.*} settings fail startup with a failure that names the property, the
 * value and what was expected, and that failure comes first, not after unrelated AOP errors.
 */
@WithRedisServer
class CircuitBreakerStartupFailureTests {

	private final ApplicationContextRunner runner;

	CircuitBreakerStartupFailureTests(RedisServer server) {
		// A protected bean makes Spring sort the aspect's advisors, which is where the failure used to start.
		this.runner = BreakerTestContexts.runner(server).withBean(ProtectedService.class);
	}

	@Test
	void invalidSettingFailsInTheRegistryNotWhileAdvisorsAreSorted() {
		this.runner.withPropertyValues("circuitbreaker.defaults.failure-threshold=0").run((context) -> {
			assertThat(context).hasFailed();
			String messages = messages(context.getStartupFailure());
			assertThat(messages).doesNotContain("Advisor sorting")
				.contains("redisCircuitBreakerRegistry")
				.contains("Invalid circuitbreaker.defaults.failure-threshold '0': expected at least 1");
		});
	}

	@Test
	void keyTtlShorterThanASlidingWindowFailsStartupNamingBothProperties() {
		this.runner
			.withPropertyValues("circuitbreaker.key-ttl=10m", "circuitbreaker.instances[slow].sliding-window=30m")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(messages(context.getStartupFailure())).contains("Invalid circuitbreaker.key-ttl '10m': "
						+ "expected at least circuitbreaker.instances[slow].sliding-window (30m)");
			});
	}

	@Test
	void keyTtlShorterThanAPermitLeaseInheritedFromTheDefaultsNamesTheDefaults() {
		this.runner
			.withPropertyValues("circuitbreaker.key-ttl=5m", "circuitbreaker.defaults.half-open-permit-lease=20m",
					"circuitbreaker.instances.payments.failure-threshold=2")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(messages(context.getStartupFailure())).contains("Invalid circuitbreaker.key-ttl '5m': "
						+ "expected at least circuitbreaker.defaults.half-open-permit-lease (20m)");
			});
	}

	@Test
	void keyTtlMustCoverTheLongestOpenTimeOnlyWhenTheOpenTimeoutGrows() {
		this.runner
			.withPropertyValues("circuitbreaker.key-ttl=1h", "circuitbreaker.instances.growing.open-timeout-multiplier=2",
					"circuitbreaker.instances.growing.max-open-timeout=2h")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(messages(context.getStartupFailure())).contains("Invalid circuitbreaker.key-ttl '1h': "
						+ "expected at least circuitbreaker.instances[growing].max-open-timeout (2h)");
			});
		// A constant open timeout never reaches max-open-timeout, so only open-timeout counts.
		this.runner
			.withPropertyValues("circuitbreaker.key-ttl=1h", "circuitbreaker.instances.constant.max-open-timeout=2h")
			.run((context) -> assertThat(context).hasNotFailed());
		this.runner
			.withPropertyValues("circuitbreaker.key-ttl=1h", "circuitbreaker.defaults.max-open-timeout=3h",
					"circuitbreaker.instances.constant.open-timeout=90m")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(messages(context.getStartupFailure())).contains("Invalid circuitbreaker.key-ttl '1h': "
						+ "expected at least circuitbreaker.instances[constant].open-timeout (90m)");
			});
	}

	@Test
	void keyTtlCoveringEveryBreakerStarts() {
		this.runner
			.withPropertyValues("circuitbreaker.key-ttl=30m", "circuitbreaker.defaults.sliding-window=30m",
					"circuitbreaker.instances.growing.open-timeout-multiplier=2",
					"circuitbreaker.instances.growing.max-open-timeout=30m")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	static class ProtectedService {

		@CircuitProtected(name = "startup/protected")
		public String call() {
			return "ok";
		}

	}

}
