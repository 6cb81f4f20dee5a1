package io.redisbreaker.sample;

import java.time.Duration;

import io.redisbreaker.testsupport.Await;
import io.redisbreaker.testsupport.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fresh clone with only a JDK: no Redis answers (and no Docker engine runs here), the sample starts
 * all the same, serves tickers on the breakers' local fallback, says so, and follows the shared state
 * once Redis appears at the configured address.
 */
@ExtendWith(OutputCaptureExtension.class)
class SampleWithoutRedisTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@Test
	void startsWithoutRedisAndMovesToTheSharedStateWhenItAppears(CapturedOutput output) {
		try (RedisServer redis = RedisServer.startProcess()) {
			// Its port, with nothing listening on it yet.
			redis.stop();
			try (SampleInstance sample = SampleInstance.start(redis)) {
				assertThat(sample.get("/tickers/upbit/kr/BTC")).contains("\"source\":\"live\"");
				assertThat(output.getOut().lines().filter((line) -> line.contains("No Redis answers at"))).singleElement()
					.asString()
					.contains("start on this instance's own fallback",
							"as soon as one answers at " + redis.host() + ":" + redis.port());
				assertThat(sample.getAs("monitor", "/actuator/health")).contains("\"store\":\"local\"");
				assertThat(sample.getAs("monitor", "/actuator/circuitbreakers/upbit/kr/ticker"))
					.contains("\"source\":\"local\"");
				// Still served, still protected: the dev profile's 3 failures open the local breaker.
				sample.postAs("admin", "/simulation/exchanges/upbit?mode=down", null);
				for (int i = 0; i < 3; i++) {
					assertThat(sample.get("/tickers/upbit/kr/BTC")).contains("\"source\":\"fallback: exchange failed\"");
				}
				Await.until(WAIT, () -> sample.get("/tickers/upbit/kr/BTC").contains("\"source\":\"fallback: breaker open\""),
						"the local breaker to open");

				redis.start();
				Await.until(WAIT, () -> sample.getAs("monitor", "/actuator/health").contains("\"store\":\"shared\""),
						"the breakers to decide on the shared state");
				sample.postAs("admin", "/simulation/exchanges/bithumb?mode=down", null);
				Await.until(WAIT, () -> "down".equals(redis.command("HGET", "sample:exchanges", "bithumb")),
						"the simulated outage to be shared through Redis");
				for (int i = 0; i < 3; i++) {
					sample.get("/tickers/bithumb/kr/BTC");
				}
				Await.until(WAIT, () -> "OPEN".equals(redis.command("HGET", "cb:{bithumb/kr/ticker}", "state")),
						"a breaker opened now to be open in Redis");
			}
		}
	}

}
