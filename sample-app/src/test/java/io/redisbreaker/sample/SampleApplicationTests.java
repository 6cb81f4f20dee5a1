package io.redisbreaker.sample;

import java.time.Duration;
import java.util.List;

import io.redisbreaker.sample.exchange.SimulatedExchanges;
import io.redisbreaker.testsupport.Await;
import io.redisbreaker.testsupport.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample as a user runs it (the default profile, dev): HTTP in, a real Redis behind the breakers.
 */
class SampleApplicationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	// One instance for the class (a start costs seconds); each test uses exchanges of its own.
	private static RedisServer redis;

	private static SampleInstance sample;

	@BeforeAll
	static void start() {
		redis = RedisServer.launch();
		sample = SampleInstance.start(redis);
	}

	@AfterAll
	static void stop() {
		sample.close();
		redis.close();
	}

	@AfterEach
	void everyExchangeUpAgain() {
		for (Object exchange : (List<?>) redis.command("HKEYS", SimulatedExchanges.KEY)) {
			sample.postAs("admin", "/simulation/exchanges/" + exchange + "?mode=up", null);
		}
	}

	@Test
	void anExchangeOutageOpensItsBreakerAndEachAnswerSaysWhereItCameFrom() {
		assertThat(sample.get("/tickers/upbit/kr/BTC")).contains("\"source\":\"live\"",
				"\"breaker\":\"upbit/kr/ticker\"");
		assertThat(sample.postAs("admin", "/simulation/exchanges/upbit?mode=down", null))
			.contains("\"shared\":true");
		// The dev profile's exchange-ticker entry opens after 3 failures.
		for (int i = 0; i < 3; i++) {
			assertThat(sample.get("/tickers/upbit/kr/BTC")).contains("\"source\":\"fallback: exchange failed\"")
				.doesNotContain("\"price\":null");
		}
		awaitRedisState("upbit/kr/ticker", "OPEN");
		assertThat(sample.get("/tickers/upbit/kr/BTC")).contains("\"source\":\"fallback: breaker open\"");
		// Another region of the same exchange has a breaker of its own, still closed: its call reaches
		// the exchange, which is still down for it too.
		assertThat(sample.get("/tickers/upbit/sg/BTC")).contains("\"source\":\"fallback: exchange failed\"",
				"\"price\":null");
		assertThat(sample.getAs("monitor", "/actuator/circuitbreakers/upbit/kr/ticker"))
			.contains("\"state\":\"OPEN\"", "\"failureThreshold\":3", "\"reason\":\"failures: 3/3\"");
	}

	@Test
	void aSlowExchangeFailsOnlyWhenItIsSlowerThanTheClientWaits() {
		sample.postAs("admin", "/simulation/exchanges/bithumb?mode=slow&delay=50ms", null);
		assertThat(sample.get("/tickers/bithumb/kr/BTC")).contains("\"source\":\"live\"");
		sample.postAs("admin", "/simulation/exchanges/bithumb?mode=slow&delay=5s", null);
		// sample.exchanges.timeout is 2s: the call gives up then, and the breaker counts a failure.
		assertThat(sample.get("/tickers/bithumb/kr/BTC")).contains("\"source\":\"fallback: exchange failed\"");
		assertThat(sample.get("/simulation/exchanges")).contains("\"bithumb\":\"slow:5000\"");
		sample.postAs("admin", "/simulation/exchanges/bithumb?mode=up", null);
		assertThat(sample.get("/simulation/exchanges")).doesNotContain("bithumb");
	}

	@Test
	void badSimulationInputIsRefusedNamingWhatWasExpected() {
		var response = sample.send("POST", "/simulation/exchanges/korbit?mode=sideways", "admin", null);
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body()).contains("Invalid mode 'sideways': expected one of up, down, slow");
		response = sample.send("POST", "/simulation/exchanges/korbit?mode=slow&delay=soon", "admin", null);
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body()).contains("Invalid delay 'soon'");
		response = sample.send("POST", "/simulation/exchanges/korbit?mode=slow&delay=99999d", "admin", null);
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body()).contains("at most 60s");
		assertThat(redis.command("HEXISTS", SimulatedExchanges.KEY, "korbit")).isEqualTo(0L);
	}

	@Test
	void theReactiveOrderBookHasBreakersOfItsOwn() {
		assertThat(sample.get("/orderbooks/coinone/kr/BTC")).contains("\"source\":\"live\"",
				"\"breaker\":\"coinone/kr/orderbook\"");
		sample.postAs("admin", "/simulation/exchanges/coinone?mode=down", null);
		for (int i = 0; i < 3; i++) {
			assertThat(sample.get("/orderbooks/coinone/kr/BTC"))
				.contains("\"source\":\"fallback: exchange failed\"", "\"levels\":[]");
		}
		awaitRedisState("coinone/kr/orderbook", "OPEN");
		assertThat(sample.get("/orderbooks/coinone/kr/BTC")).contains("\"source\":\"fallback: breaker open\"");
		// The ticker breaker of the same exchange and region counted nothing.
		assertThat(redis.command("EXISTS", "cb:{coinone/kr/ticker}", "cb:{coinone/kr/ticker}:window")).isEqualTo(0L);
	}

	@Test
	void theStreamAsksBeforeConnectingAndDispatchesEachFailureOnce() {
		assertThat(sample.post("/streams/upbit/kr")).contains("\"status\":\"connected\"");
		sample.postAs("admin", "/simulation/exchanges/upbit?mode=down", null);
		// upbit/kr/stream has its own entry: 2 failures open it.
		for (int i = 0; i < 2; i++) {
			assertThat(sample.post("/streams/upbit/kr"))
				.contains("\"status\":\"failed: upbit does not answer (simulated outage)\"");
		}
		awaitRedisState("upbit/kr/stream", "OPEN");
		assertThat(sample.post("/streams/upbit/kr"))
			.contains("\"status\":\"not connecting: breaker OPEN\"", "\"nextTrialAt\":\"");
		String errors = sample.get("/streams/errors");
		assertThat(errors.split("\"breaker\":\"upbit/kr/stream\"", -1)).hasSize(3);
	}

	@Test
	void exchangeNamesThatKeysCannotCarryStillGetTickersFromTheirOwnBreakers() {
		assertThat(sample.get("/tickers/up%20bit/kr/BTC")).contains("\"exchange\":\"up bit\"",
				"\"breaker\":\"up%20bit/kr/ticker\"", "\"source\":\"live\"");
		assertThat(sample.get("/tickers/%7Bx%7D/kr/BTC")).contains("\"exchange\":\"{x}\"", "\"source\":\"live\"");
		assertThat(sample.get("/tickers/%EC%97%85%EB%B9%84%ED%8A%B8/kr/BTC")).contains("\"exchange\":\"업비트\"",
				"\"source\":\"live\"");
		assertThat(sample.get("/tickers/" + "x".repeat(500) + "/kr/BTC")).contains("\"source\":\"live\"");
		// Each encoded name counted its call under its own keys.
		Await.until(WAIT, () -> Long.valueOf(2)
			.equals(redis.command("EXISTS", "cb:{up%20bit/kr/ticker}:window", "cb:{업비트/kr/ticker}:window")),
				"the calls to count under the encoded names");
		assertThat(sample.getAs("monitor", "/actuator/circuitbreakers")).contains("\"up%20bit/kr/ticker\"",
				"\"%7Bx%7D/kr/ticker\"", "\"업비트/kr/ticker\"", "\"" + "x".repeat(183) + "-");
	}

	/** Outcomes are sent without the call waiting; this reads Redis on a connection of its own. */
	private void awaitRedisState(String breaker, String state) {
		Await.until(WAIT, () -> state.equals(redis.command("HGET", "cb:{" + breaker + "}", "state")),
				breaker + " to be " + state + " in Redis");
	}

}
