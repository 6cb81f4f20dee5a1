package io.redisbreaker.sample;

import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.WithRedisServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each profile started as an operator starts it, and the thresholds in force read back from the
 * breaker endpoint: the source guide's per-environment table.
 */
@WithRedisServer
class SampleProfilesTests {

	private final RedisServer redis;

	SampleProfilesTests(RedisServer redis) {
		this.redis = redis;
	}

	@ParameterizedTest(name = "{0}: {1} failures, open {2}, {3} trial calls")
	@CsvSource({ "'', 3, PT10S, 3", "dev, 3, PT10S, 3", "staging, 5, PT30S, 3", "prod, 5, PT1M, 5" })
	void theProfileDecidesTheThresholds(String profile, int failureThreshold, String openTimeout,
			int halfOpenMaxCalls) {
		this.redis.command("FLUSHALL");
		// Only dev has development users; the others take them from the environment (here: arguments).
		try (SampleInstance sample = SampleInstance.start(this.redis,
				profile.isEmpty() ? "--spring.main.banner-mode=off" : "--spring.profiles.active=" + profile,
				"--sample.security.monitor-password=monitor", "--sample.security.admin-password=admin")) {
			if (profile.isEmpty()) {
				assertThat(sample.context().getEnvironment().getActiveProfiles()).isEmpty();
				assertThat(sample.context().getEnvironment().getDefaultProfiles()).containsExactly("dev");
			}
			else {
				assertThat(sample.context().getEnvironment().getActiveProfiles()).containsExactly(profile);
			}
			sample.get("/tickers/upbit/kr/BTC");
			sample.get("/orderbooks/upbit/kr/BTC");
			sample.post("/streams/upbit/kr");
			for (String breaker : new String[] { "upbit/kr/ticker", "upbit/kr/orderbook" }) {
				assertThat(sample.getAs("monitor", "/actuator/circuitbreakers/" + breaker)).as(breaker)
					.contains("\"failureThreshold\":" + failureThreshold + ",", "\"openTimeout\":\"" + openTimeout + "\"",
							"\"halfOpenMaxCalls\":" + halfOpenMaxCalls + ",");
			}
			// The one breaker with an entry of its own keeps it in every profile.
			assertThat(sample.getAs("monitor", "/actuator/circuitbreakers/upbit/kr/stream"))
				.contains("\"failureThreshold\":2,", "\"openTimeout\":\"PT20S\"");
		}
	}

}
