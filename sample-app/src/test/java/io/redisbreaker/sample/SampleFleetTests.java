package io.redisbreaker.sample;

import java.time.Duration;

import io.redisbreaker.testsupport.Await;
import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.WithRedisServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances of the sample on one Redis, as the README runs them: a simulated outage switched on
 * through one hits both, a breaker opened by one instance's failures keeps the other's calls away
 * from the exchange, and a breaker forced open through one's endpoint is obeyed by both.
 */
@WithRedisServer
class SampleFleetTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final RedisServer redis;

	SampleFleetTests(RedisServer redis) {
		this.redis = redis;
	}

	@Test
	void twoInstancesShareTheOutageAndTheBreakers() {
		try (SampleInstance a = SampleInstance.start(this.redis, "--circuitbreaker.instance-id=a");
				SampleInstance b = SampleInstance.start(this.redis, "--circuitbreaker.instance-id=b")) {
			assertThat(b.get("/tickers/upbit/kr/BTC")).contains("\"source\":\"live\"");

			a.postAs("admin", "/simulation/exchanges/upbit?mode=down", null);
			Await.until(WAIT, () -> b.get("/tickers/upbit/kr/ETH").contains("\"source\":\"fallback: exchange failed\""),
					"the outage switched on through a to reach b's calls");
			for (int i = 0; i < 3; i++) {
				a.get("/tickers/upbit/kr/BTC");
			}
			Await.until(WAIT, () -> "OPEN".equals(this.redis.command("HGET", "cb:{upbit/kr/ticker}", "state")),
					"a's failures to open the shared breaker");
			Await.until(WAIT, () -> b.get("/tickers/upbit/kr/BTC").contains("\"source\":\"fallback: breaker open\""),
					"b to keep its calls away from the exchange");

			assertThat(b.get("/tickers/bithumb/kr/BTC")).contains("\"source\":\"live\"");
			b.postAs("admin", "/actuator/circuitbreakers/bithumb/kr/ticker", "{\"updateState\":\"FORCE_OPEN\"}");
			Await.until(WAIT, () -> a.get("/tickers/bithumb/kr/BTC").contains("\"source\":\"fallback: breaker open\""),
					"a to obey the breaker forced open through b");
			assertThat(a.getAs("monitor", "/actuator/circuitbreakerevents/bithumb/kr/ticker"))
				.contains("\"to\":\"FORCED_OPEN\"", "\"instance\":\"b\"");
		}
	}

}
