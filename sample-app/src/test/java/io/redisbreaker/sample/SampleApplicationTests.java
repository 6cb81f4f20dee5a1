package io.redisbreaker.sample;

import java.net.URI;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.redisbreaker.testsupport.Await;
import io.redisbreaker.testsupport.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample as a user runs it: HTTP in, a real Redis behind the breakers.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "spring.profiles.active=dev")
class SampleApplicationTests {

	static final RedisServer redis = RedisServer.launch();

	@DynamicPropertySource
	static void redisProperties(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.host", redis::host);
		registry.add("spring.data.redis.port", redis::port);
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@Value("${local.server.port}")
	int port;

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void anExchangeOutageOpensItsBreakerAndTickersComeFromTheCache() throws Exception {
		assertThat(get("/tickers/upbit/kr/BTC")).contains("\"cached\":false");
		post("/exchanges/upbit/outage?down=true");
		for (int i = 0; i < 3; i++) {
			assertThat(get("/tickers/upbit/kr/BTC")).contains("\"cached\":true");
		}
		awaitState("upbit/kr/ticker", "OPEN");
		assertThat(get("/tickers/upbit/kr/BTC")).contains("\"cached\":true");
		// Another region of the same exchange has a breaker of its own, still closed.
		post("/exchanges/upbit/outage?down=false");
		assertThat(get("/tickers/upbit/sg/BTC")).contains("\"cached\":false");
		assertThat(get("/breakers")).contains("\"upbit/kr/ticker\"", "\"state\":\"OPEN\"", "\"upbit/sg/ticker\"");
	}

	@Test
	void readingTheBreakersBeforeTheFirstTickerKeepsTheExchangeTickerSettings() throws Exception {
		// Another instance has used the breaker: the shared index lists it, this JVM has not created it.
		redis.command("ZADD", "cb:index", "+inf", "bithumb/kr/ticker");
		assertThat(get("/breakers")).contains("\"bithumb/kr/ticker\"", "\"state\":\"CLOSED\"");

		post("/exchanges/bithumb/outage?down=true");
		try {
			// The dev profile's exchange-ticker entry opens after 3 failures; the defaults would need 5.
			for (int i = 0; i < 3; i++) {
				assertThat(get("/tickers/bithumb/kr/BTC")).contains("\"cached\":true");
			}
			awaitState("bithumb/kr/ticker", "OPEN");
		}
		finally {
			post("/exchanges/bithumb/outage?down=false");
		}
	}

	@Test
	void exchangeNamesThatKeysCannotCarryStillGetTickersFromTheirOwnBreakers() throws Exception {
		assertThat(get("/tickers/up%20bit/kr/BTC")).contains("\"exchange\":\"up bit\"", "\"cached\":false");
		assertThat(get("/tickers/%7Bx%7D/kr/BTC")).contains("\"exchange\":\"{x}\"", "\"cached\":false");
		assertThat(get("/tickers/%EC%97%85%EB%B9%84%ED%8A%B8/kr/BTC")).contains("\"exchange\":\"업비트\"",
				"\"cached\":false");
		String longExchange = "x".repeat(500);
		assertThat(get("/tickers/" + longExchange + "/kr/BTC")).contains("\"cached\":false");

		assertThat(get("/breakers")).contains("\"up%20bit/kr/ticker\"", "\"%7Bx%7D/kr/ticker\"",
				"\"업비트/kr/ticker\"", "\"" + "x".repeat(183) + "-");
		// Each encoded name counted its call under its own keys.
		Await.until(WAIT, () -> Long.valueOf(2)
			.equals(redis.command("EXISTS", "cb:{up%20bit/kr/ticker}:window", "cb:{업비트/kr/ticker}:window")),
				"the calls to count under the encoded names");
	}

	/** Outcomes are sent without the call waiting, and this test reads Redis on a connection of its own. */
	private static void awaitState(String breaker, String state) {
		Await.until(WAIT, () -> state.equals(redis.command("HGET", "cb:{" + breaker + "}", "state")),
				breaker + " to be " + state + " in Redis");
	}

	private String get(String path) throws Exception {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(uri(path)).GET().build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as("GET " + path).isEqualTo(200);
		return response.body();
	}

	private void post(String path) throws Exception {
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as("POST " + path).isEqualTo(200);
	}

	private URI uri(String path) {
		return URI.create("http://localhost:" + this.port + path);
	}

}
