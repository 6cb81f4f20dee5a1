package io.redisbreaker.actuate;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.WithRedisServer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code circuitbreakers} endpoints as an operator uses them: two instances of a web application
 * share one Redis, calls go over HTTP, and every operation and error of the endpoint is tried on the
 * instance that did not make the calls.
 */
@WithRedisServer
class CircuitBreakersEndpointTests {

	private static final String BREAKER = "upbit/kr/ticker";

	private static final String ENDPOINT = "/actuator/circuitbreakers";

	private final RedisServer server;

	/** Closed after each test by JUnit, so the instances of one test never meet the next. */
	@AutoClose
	private final FleetApplications fleet;

	private FleetApplications.Instance a;

	private FleetApplications.Instance b;

	CircuitBreakersEndpointTests(RedisServer server) {
		this.server = server;
		this.fleet = new FleetApplications(server);
	}

	@BeforeEach
	void startTwoInstances() {
		this.a = this.fleet.start("instance-a", "management.endpoint.circuitbreakers.access=unrestricted");
		this.b = this.fleet.start("instance-b", "management.endpoint.circuitbreakers.access=unrestricted");
	}

	@Test
	void aBreakerOnlyTheSecondInstanceUsedIsListedByTheFirstWithItsSharedState() {
		openThroughB();
		String body = this.a.await(ENDPOINT, 200, (json) -> "OPEN".equals(FleetApplications.read(json, "$.circuitBreakers['" + BREAKER + "'].state")));
		Map<String, Object> breaker = JsonPath.read(body, "$.circuitBreakers['" + BREAKER + "']");
		assertThat(breaker).containsEntry("source", "shared")
			.containsEntry("bufferedCalls", 0)
			.containsEntry("failureThreshold", 2)
			.containsEntry("failureRateThreshold", "50.0%")
			.containsEntry("failureRate", "-1.0%")
			.containsEntry("reason", "failures: 2/2")
			.containsEntry("notPermittedCalls", 0)
			.containsEntry("settingsMismatch", false)
			.containsKeys("openedAt", "nextTrialAt", "epoch", "slowCallRate", "slowCalls", "failedCalls");
		assertThat((String) breaker.get("nextTrialAt")).isNotBlank();
		// B, which rejected a call, counts it; A never used the breaker.
		assertThat(this.b.ticker("upbit", "kr", false)).isEqualTo(503);
		assertThat((Integer) JsonPath.read(this.b.get(ENDPOINT + "/" + BREAKER).body(), "$.notPermittedCalls"))
			.isEqualTo(1);
	}

	@Test
	void theListingIsSortedByName() {
		for (String exchange : List.of("upbit", "bithumb", "coinone")) {
			assertThat(this.b.ticker(exchange, "kr", false)).isEqualTo(200);
		}
		String body = this.a.await(ENDPOINT, 200, (json) -> FleetApplications.<Map<String, Object>>read(json, "$.circuitBreakers").size() == 3);
		Map<String, Object> breakers = JsonPath.read(body, "$.circuitBreakers");
		assertThat(breakers.keySet()).containsExactly("bithumb/kr/ticker", "coinone/kr/ticker", "upbit/kr/ticker");
	}

	@Test
	void oneBreakerIsReadWithItsNameAsPlainPathSegmentsAndAnUnknownOneIs404() {
		assertThat(this.b.ticker("upbit", "kr", false)).isEqualTo(200);
		// The call is counted in Redis at b's next flush.
		String body = this.a.await(ENDPOINT + "/" + BREAKER, 200,
				(json) -> Integer.valueOf(1).equals(FleetApplications.read(json, "$.bufferedCalls")));
		assertThat((String) JsonPath.read(body, "$.state")).isEqualTo("CLOSED");
		assertThat(this.a.get(ENDPOINT + "/nobody/uses/this").statusCode()).isEqualTo(404);
		assertThat(this.server.command("EXISTS", "cb:{nobody/uses/this}")).isEqualTo(0L);
	}

	@Test
	void forceOpenThroughOneInstanceIsObeyedByTheOtherAtOnceAndCloseReleasesIt() {
		assertThat(this.b.ticker("upbit", "kr", false)).isEqualTo(200);
		this.a.await(ENDPOINT + "/" + BREAKER, 200, (json) -> true);

		HttpResponse<String> forced = this.a.post(ENDPOINT + "/" + BREAKER, "{\"updateState\":\"FORCE_OPEN\"}");
		assertThat(forced.statusCode()).isEqualTo(200);
		assertThat((String) JsonPath.read(forced.body(), "$.state")).isEqualTo("FORCED_OPEN");
		assertThat(this.b.ticker("upbit", "kr", false)).isEqualTo(503);

		HttpResponse<String> closed = this.a.post(ENDPOINT + "/" + BREAKER, "{\"updateState\":\"CLOSE\"}");
		assertThat((String) JsonPath.read(closed.body(), "$.state")).isEqualTo("CLOSED");
		assertThat(this.b.ticker("upbit", "kr", false)).isEqualTo(200);

		HttpResponse<String> disabled = this.a.post(ENDPOINT + "/" + BREAKER, "{\"updateState\":\"DISABLE\"}");
		assertThat((String) JsonPath.read(disabled.body(), "$.state")).isEqualTo("DISABLED");
		for (int i = 0; i < 3; i++) {
			assertThat(this.b.ticker("upbit", "kr", true)).isEqualTo(502);
		}
		assertThat(this.b.ticker("upbit", "kr", false)).isEqualTo(200);
	}

	@Test
	void resetClosesAnOpenBreakerForEveryInstance() {
		openThroughB();
		this.a.await(ENDPOINT + "/" + BREAKER, 200, (json) -> "OPEN".equals(FleetApplications.read(json, "$.state")));
		HttpResponse<String> reset = this.a.post(ENDPOINT + "/" + BREAKER, "{\"updateState\":\"RESET\"}");
		assertThat(reset.statusCode()).isEqualTo(200);
		assertThat((String) JsonPath.read(reset.body(), "$.state")).isEqualTo("CLOSED");
		assertThat((String) JsonPath.read(reset.body(), "$.reason")).isEqualTo("reset via /actuator/circuitbreakers");
		assertThat(this.b.ticker("upbit", "kr", false)).isEqualTo(200);
	}

	@Test
	void writingToAnUnknownBreakerIs404AndCreatesNothing() {
		Object keysBefore = this.server.command("DBSIZE");
		HttpResponse<String> response = this.a.post(ENDPOINT + "/nobody/uses/this", "{\"updateState\":\"FORCE_OPEN\"}");
		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(response.body()).contains("nobody/uses/this");
		assertThat(this.server.command("DBSIZE")).isEqualTo(keysBefore);
		assertThat(this.server.command("EXISTS", "cb:{nobody/uses/this}", "cb:{nobody/uses/this}:events")).isEqualTo(0L);
		assertThat(this.server.command("ZSCORE", "cb:index", "nobody/uses/this")).isNull();
	}

	@Test
	void badRequestsAre400AndSayWhatIsAccepted() {
		assertThat(this.b.ticker("upbit", "kr", false)).isEqualTo(200);
		this.a.await(ENDPOINT + "/" + BREAKER, 200, (json) -> true);

		HttpResponse<String> unknownValue = this.a.post(ENDPOINT + "/" + BREAKER, "{\"updateState\":\"HALF_OPEN\"}");
		assertThat(unknownValue.statusCode()).isEqualTo(400);
		assertThat(unknownValue.body()).contains("HALF_OPEN").contains("FORCE_OPEN, CLOSE, DISABLE, RESET");

		assertThat(this.a.post(ENDPOINT + "/" + BREAKER, "{\"updateState\":").statusCode()).isEqualTo(400);
		assertThat(this.a.post(ENDPOINT + "/" + BREAKER, "{\"state\":\"CLOSE\"}").statusCode()).isEqualTo(400);
		HttpResponse<String> badName = this.a.post(ENDPOINT + "/a%20b", "{\"updateState\":\"CLOSE\"}");
		assertThat(badName.statusCode()).isEqualTo(400);
		assertThat(badName.body()).contains("Invalid circuit breaker name 'a b'");
		// Nothing changed.
		assertThat((String) JsonPath.read(this.a.get(ENDPOINT + "/" + BREAKER).body(), "$.state")).isEqualTo("CLOSED");
	}

	@Test
	void deleteResetsEveryBreaker() {
		openThroughB();
		assertThat(this.b.ticker("bithumb", "kr", true)).isEqualTo(502);
		assertThat(this.b.ticker("bithumb", "kr", true)).isEqualTo(502);
		this.a.await(ENDPOINT, 200, (json) -> "OPEN".equals(FleetApplications.read(json, "$.circuitBreakers['bithumb/kr/ticker'].state"))
				&& "OPEN".equals(FleetApplications.read(json, "$.circuitBreakers['" + BREAKER + "'].state")));
		HttpResponse<String> reset = this.a.delete(ENDPOINT);
		assertThat(reset.statusCode()).isEqualTo(200);
		List<String> states = JsonPath.read(reset.body(), "$.circuitBreakers.*.state");
		assertThat(states).containsExactly("CLOSED", "CLOSED");
		assertThat(this.b.ticker("bithumb", "kr", false)).isEqualTo(200);
		assertThat(this.b.ticker("upbit", "kr", false)).isEqualTo(200);
	}

	@Test
	void writesNeedUnrestrictedAccess() {
		FleetApplications.Instance readOnly = this.fleet.start("instance-c");
		assertThat(this.b.ticker("upbit", "kr", false)).isEqualTo(200);
		readOnly.await(ENDPOINT + "/" + BREAKER, 200, (json) -> true);
		assertThat(readOnly.post(ENDPOINT + "/" + BREAKER, "{\"updateState\":\"FORCE_OPEN\"}").statusCode())
			.isEqualTo(405);
		assertThat(readOnly.delete(ENDPOINT).statusCode()).isEqualTo(405);
		assertThat((String) JsonPath.read(readOnly.get(ENDPOINT + "/" + BREAKER).body(), "$.state")).isEqualTo("CLOSED");
	}

	@Test
	void eventsListTheFleetsTransitionsNewestFirstWithTheInstanceThatMadeThem() {
		openThroughB();
		this.a.await(ENDPOINT + "/" + BREAKER, 200, (json) -> "OPEN".equals(FleetApplications.read(json, "$.state")));
		this.a.post(ENDPOINT + "/" + BREAKER, "{\"updateState\":\"CLOSE\"}");

		String body = this.a.get("/actuator/circuitbreakerevents/" + BREAKER).body();
		List<Map<String, Object>> events = JsonPath.read(body, "$.circuitBreakerEvents");
		assertThat(events).extracting((event) -> event.get("stateTransition"))
			.containsExactly("OPEN_TO_CLOSED", "CLOSED_TO_OPEN");
		assertThat(events).extracting((event) -> event.get("instance")).containsExactly("instance-a", "instance-b");
		assertThat(events.get(1)).containsEntry("reason", "failures: 2/2")
			.containsEntry("circuitBreakerName", BREAKER)
			.containsEntry("type", "STATE_TRANSITION")
			.containsKeys("epoch", "creationTime");
		assertThat((List<?>) JsonPath.read(this.a.get("/actuator/circuitbreakerevents").body(), "$.circuitBreakerEvents"))
			.hasSize(2);
		List<Map<String, Object>> newest = JsonPath.read(this.a.get("/actuator/circuitbreakerevents?limit=1").body(),
				"$.circuitBreakerEvents");
		assertThat(newest).extracting((event) -> event.get("stateTransition")).containsExactly("OPEN_TO_CLOSED");
		assertThat(this.a.get("/actuator/circuitbreakerevents/" + BREAKER + "?limit=0").statusCode()).isEqualTo(400);
		assertThat(this.a.get("/actuator/circuitbreakerevents?limit=many").statusCode()).isEqualTo(400);
	}

	private void openThroughB() {
		assertThat(this.b.ticker("upbit", "kr", true)).isEqualTo(502);
		assertThat(this.b.ticker("upbit", "kr", true)).isEqualTo(502);
	}

}
