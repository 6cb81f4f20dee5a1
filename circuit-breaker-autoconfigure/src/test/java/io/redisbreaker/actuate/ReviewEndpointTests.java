package io.redisbreaker.actuate;

import java.net.http.HttpResponse;

import com.jayway.jsonpath.JsonPath;
import io.redisbreaker.core.CircuitBreakerRegistry;
import io.redisbreaker.testsupport.Await;
import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.WithRedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Review: the endpoint against names this JVM holds but the fleet has no room for, and odd input. */
@WithRedisServer
class ReviewEndpointTests {

	private static final String ENDPOINT = "/actuator/circuitbreakers";

	private final RedisServer server;

	private FleetApplications fleet;

	ReviewEndpointTests(RedisServer server) {
		this.server = server;
	}

	@BeforeEach
	void create() {
		this.fleet = new FleetApplications(this.server);
	}

	@AfterEach
	void stop() {
		this.fleet.close();
	}

	@Test
	void forcingABreakerTheFleetHadNoRoomForLeavesAnImmortalUnlistedKeyThatItsOwnInstanceIgnores() {
		FleetApplications.Instance a = this.fleet.start("instance-a", "circuitbreaker.max-breakers=1",
				"management.endpoint.circuitbreakers.access=unrestricted");
		FleetApplications.Instance b = this.fleet.start("instance-b", "circuitbreaker.max-breakers=1",
				"management.endpoint.circuitbreakers.access=unrestricted");
		assertThat(a.ticker("upbit", "kr", false)).isEqualTo(200);
		Await.until(java.time.Duration.ofSeconds(10),
				() -> this.server.command("ZSCORE", "cb:index", "upbit/kr/ticker") != null, "upbit listed");
		// B has room in its JVM, so it creates the breaker; Redis refuses to list it: it becomes over-limit.
		assertThat(b.ticker("bithumb", "kr", false)).isEqualTo(200);
		CircuitBreakerRegistry registryB = b.context().getBean(CircuitBreakerRegistry.class);
		Await.until(java.time.Duration.ofSeconds(10),
				() -> registryB.find("bithumb/kr/ticker").map((cb) -> cb.isOverLimit()).orElse(false),
				"B's breaker to be swapped for an over-limit one");

		HttpResponse<String> forced = b.post(ENDPOINT + "/bithumb/kr/ticker", "{\"updateState\":\"FORCE_OPEN\"}");
		System.out.println("REVIEW over-limit POST: " + forced.statusCode() + " " + forced.body());
		System.out.println("REVIEW over-limit key TTL: " + this.server.command("PTTL", "cb:{bithumb/kr/ticker}")
				+ " index score: " + this.server.command("ZSCORE", "cb:index", "bithumb/kr/ticker")
				+ " B's call: " + b.ticker("bithumb", "kr", false)
				+ " listing on B: " + b.get(ENDPOINT).body());
		// The README: a name no instance uses (protects) is 404 and nothing is created; names the index has
		// no room for leave no keys behind.
		assertThat(forced.statusCode()).as("POST on a breaker the fleet has no room for").isEqualTo(404);
		assertThat(this.server.command("EXISTS", "cb:{bithumb/kr/ticker}")).isEqualTo(0L);
	}

	@Test
	void probeOddInput() {
		FleetApplications.Instance a = this.fleet.start("instance-a",
				"management.endpoint.circuitbreakers.access=unrestricted");
		assertThat(a.ticker("upbit", "kr", false)).isEqualTo(200);
		String base = ENDPOINT + "/upbit/kr/ticker";
		String[] gets = { ENDPOINT + "/upbit/kr/../kr/ticker", ENDPOINT + "/upbit%2Fkr%2Fticker", ENDPOINT + "/%7Bx%7D",
				ENDPOINT + "/a%25b", ENDPOINT + "/" + "x".repeat(201), ENDPOINT + "/" + "x".repeat(9000),
				ENDPOINT + "/%EC%97%85", ENDPOINT + "/", ENDPOINT + "//", ENDPOINT + "/a%00b", ENDPOINT + "/upbit/kr/ticker/",
				"/actuator/circuitbreakerevents/%7Bx%7D", "/actuator/circuitbreakerevents/" + "x".repeat(201) };
		for (String path : gets) {
			HttpResponse<String> r = a.get(path);
			System.out.println("REVIEW GET " + path.substring(0, Math.min(path.length(), 80)) + " -> " + r.statusCode()
					+ " " + r.body().substring(0, Math.min(200, r.body().length())));
		}
		String[] bodies = { "{\"updateState\":\"force_open\"}", "{\"updateState\":\" CLOSE \"}", "{\"updateState\":5}",
				"{\"updateState\":{\"a\":1}}", "{\"updateState\":[\"CLOSE\"]}", "{\"updateState\":null}", "",
				"{\"updateState\":\"CLOSE\",\"extra\":{\"x\":1}}", "[]", "null", "{\"updateState\":\"\"}" };
		for (String body : bodies) {
			HttpResponse<String> r = a.post(base, body);
			System.out.println("REVIEW POST " + body + " -> " + r.statusCode() + " "
					+ r.body().substring(0, Math.min(200, r.body().length())));
		}
		HttpResponse<String> plain = send(a, base, "text/plain", "{\"updateState\":\"CLOSE\"}");
		System.out.println("REVIEW POST text/plain -> " + plain.statusCode() + " " + plain.body());
		HttpResponse<String> none = send(a, base, null, "{\"updateState\":\"CLOSE\"}");
		System.out.println("REVIEW POST no content type -> " + none.statusCode() + " " + none.body());
		HttpResponse<String> local = a.get(ENDPOINT + "/only/in/jvm");
		System.out.println("REVIEW GET only-in-jvm (never used) -> " + local.statusCode());
		a.context().getBean(CircuitBreakerRegistry.class).circuitBreaker("only/in/jvm");
		this.server.command("ZREM", "cb:index", "only/in/jvm");
		HttpResponse<String> local2 = a.get(ENDPOINT + "/only/in/jvm");
		System.out.println("REVIEW GET only-in-jvm (JVM registry only) -> " + local2.statusCode() + " " + local2.body());
		System.out.println("REVIEW state of upbit after probes: " + JsonPath.read(a.get(base).body(), "$.state"));
	}

	private static HttpResponse<String> send(FleetApplications.Instance a, String path, String type, String body) {
		try {
			java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest
				.newBuilder(java.net.URI.create("http://127.0.0.1:" + a.port() + path))
				.POST(java.net.http.HttpRequest.BodyPublishers.ofString(body));
			if (type != null) {
				b.header("Content-Type", type);
			}
			return java.net.http.HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
