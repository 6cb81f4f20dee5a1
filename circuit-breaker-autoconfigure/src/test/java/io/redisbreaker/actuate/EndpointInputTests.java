package io.redisbreaker.actuate;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import io.redisbreaker.core.CircuitBreakerRegistry;
import io.redisbreaker.testsupport.Await;
import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.WithRedisServer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The endpoint against input an attacker or a typo sends, and against names this JVM holds but the
 * fleet has no room for: nothing unchecked reaches Redis, and every answer is the documented one.
 */
@WithRedisServer
class EndpointInputTests {

	private static final String ENDPOINT = "/actuator/circuitbreakers";

	private final RedisServer server;

	/** Closed after each test by JUnit, so the instances of one test never meet the next. */
	@AutoClose
	private final FleetApplications fleet;

	EndpointInputTests(RedisServer server) {
		this.server = server;
		this.fleet = new FleetApplications(server);
	}

	@Test
	void aBreakerTheFleetHadNoRoomForIsNotInUseAndCannotBeForced() {
		FleetApplications.Instance a = this.fleet.start("instance-a", "circuitbreaker.max-breakers=1",
				"management.endpoint.circuitbreakers.access=unrestricted");
		FleetApplications.Instance b = this.fleet.start("instance-b", "circuitbreaker.max-breakers=1",
				"management.endpoint.circuitbreakers.access=unrestricted");
		assertThat(a.ticker("upbit", "kr", false)).isEqualTo(200);
		Await.until(Duration.ofSeconds(10), () -> this.server.command("ZSCORE", "cb:index", "upbit/kr/ticker") != null,
				"upbit listed");
		// B has room in its JVM, so it creates the breaker; Redis refuses to list it: it protects nothing.
		assertThat(b.ticker("bithumb", "kr", false)).isEqualTo(200);
		CircuitBreakerRegistry registryB = b.context().getBean(CircuitBreakerRegistry.class);
		Await.until(Duration.ofSeconds(10),
				() -> registryB.find("bithumb/kr/ticker").map((breaker) -> breaker.isOverLimit()).orElse(false),
				"B's breaker to protect nothing");

		HttpResponse<String> forced = b.post(ENDPOINT + "/bithumb/kr/ticker", "{\"updateState\":\"FORCE_OPEN\"}");
		assertThat(forced.statusCode()).isEqualTo(404);
		assertThat(this.server.command("EXISTS", "cb:{bithumb/kr/ticker}")).isEqualTo(0L);
		assertThat(b.get(ENDPOINT + "/bithumb/kr/ticker").statusCode()).isEqualTo(404);
		assertThat(JsonPath.<Map<String, Object>>read(b.get(ENDPOINT).body(), "$.circuitBreakers"))
			.containsOnlyKeys("upbit/kr/ticker");
	}

	@Test
	void oddNamesAndBodiesGetTheDocumentedAnswersAndNothingReachesRedis() {
		FleetApplications.Instance a = this.fleet.start("instance-a",
				"management.endpoint.circuitbreakers.access=unrestricted");
		assertThat(a.ticker("upbit", "kr", false)).isEqualTo(200);
		a.await(ENDPOINT + "/upbit/kr/ticker", 200, (json) -> true);
		Object keysBefore = this.server.command("DBSIZE");

		// Names that break the name rules are 400 (Tomcat itself refuses encoded slashes and NULs).
		for (String name : List.of("%7Bx%7D", "a%25b", "x".repeat(201), "upbit%2Fkr%2Fticker", "a%00b")) {
			assertThat(a.get(ENDPOINT + "/" + name).statusCode()).as(name).isEqualTo(400);
			assertThat(a.post(ENDPOINT + "/" + name, "{\"updateState\":\"FORCE_OPEN\"}").statusCode()).as(name)
				.isEqualTo(400);
			assertThat(a.get("/actuator/circuitbreakerevents/" + name).statusCode()).as(name).isEqualTo(400);
		}
		// Valid names nobody uses are 404, read or written.
		for (String name : List.of("upbit/kr/../kr/ticker", "%EC%97%85/kr", "only/a/name")) {
			assertThat(a.get(ENDPOINT + "/" + name).statusCode()).as(name).isEqualTo(404);
			assertThat(a.post(ENDPOINT + "/" + name, "{\"updateState\":\"FORCE_OPEN\"}").statusCode()).as(name)
				.isEqualTo(404);
		}
		// Bodies that are not an updateState string are 400.
		for (String body : List.of("{\"updateState\":5}", "{\"updateState\":{\"a\":1}}", "{\"updateState\":[\"CLOSE\"]}",
				"{\"updateState\":null}", "", "[]", "null", "{\"updateState\":\"\"}", "{\"updateState\":\"OPEN\"}")) {
			assertThat(a.post(ENDPOINT + "/upbit/kr/ticker", body).statusCode()).as(body).isEqualTo(400);
		}
		assertThat(this.server.command("DBSIZE")).isEqualTo(keysBefore);
		assertThat((String) JsonPath.read(a.get(ENDPOINT + "/upbit/kr/ticker").body(), "$.state")).isEqualTo("CLOSED");

		// The value's case and surrounding blanks do not matter.
		assertThat((String) JsonPath.read(a.post(ENDPOINT + "/upbit/kr/ticker", "{\"updateState\":\" force_open \"}")
			.body(), "$.state")).isEqualTo("FORCED_OPEN");
	}

}
