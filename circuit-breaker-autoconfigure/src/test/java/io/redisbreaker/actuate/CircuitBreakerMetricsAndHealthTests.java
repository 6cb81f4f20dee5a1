package io.redisbreaker.actuate;

import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.WithRedisServer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code /actuator/prometheus} and {@code /actuator/health} show of the breakers, scraped over
 * HTTP from two instances sharing one Redis; instance A never calls the breaker B opens.
 */
@WithRedisServer
class CircuitBreakerMetricsAndHealthTests {

	private static final String TAGS = "exchange=\"upbit\",name=\"upbit/kr/ticker\",region=\"kr\",type=\"ticker\"";

	private final RedisServer server;

	/** Closed after each test by JUnit, so the instances of one test never meet the next. */
	@AutoClose
	private final FleetApplications fleet;

	CircuitBreakerMetricsAndHealthTests(RedisServer server) {
		this.server = server;
		this.fleet = new FleetApplications(server);
	}

	@Test
	void prometheusShowsTheSharedStateOnAnInstanceThatMadeNoCallAndTheCallsWhereTheyRan() {
		FleetApplications.Instance a = this.fleet.start("instance-a", "circuitbreaker.metrics.name-tags=exchange,region,type",
				"management.endpoint.circuitbreakers.access=unrestricted");
		FleetApplications.Instance b = this.fleet.start("instance-b", "circuitbreaker.metrics.name-tags=exchange,region,type");
		assertThat(b.ticker("upbit", "kr", false)).isEqualTo(200);
		assertThat(b.ticker("upbit", "kr", true)).isEqualTo(502);
		assertThat(b.ticker("upbit", "kr", true)).isEqualTo(502);
		assertThat(b.ticker("upbit", "kr", false)).isEqualTo(503);

		String onA = awaitScrape(a, "circuit_breaker_state{" + TAGS + "} 1.0");
		assertThat(onA).doesNotContain("circuit_breaker_failures_total{" + TAGS);
		assertThat(onA).contains("circuit_breaker_store_shared 1.0");

		// A breaker's meters are registered one after another (and again when the breaker is replaced by
		// one with explicit settings): wait until the scrape has all of them.
		String onB = b.await("/actuator/prometheus", 200, (body) -> body
			.contains("circuit_breaker_calls_seconds_count{" + TAGS.replace(",region", ",outcome=\"ignored\",region") + "} 0\n")
				&& body.contains("circuit_breaker_failures_total{" + TAGS + "} 2.0")
				&& body.contains("circuit_breaker_successes_total{" + TAGS + "} 1.0"));
		assertThat(onB).contains("circuit_breaker_failures_total{" + TAGS + "} 2.0")
			.contains("circuit_breaker_state{" + TAGS + "} 1.0")
			.contains("circuit_breaker_successes_total{" + TAGS + "} 1.0")
			.contains("circuit_breaker_not_permitted_calls_total{" + TAGS + "} 1.0")
			.contains("circuit_breaker_slow_calls_total{" + TAGS + "} 0.0")
			.contains("circuit_breaker_calls_seconds_count{" + TAGS.replace(",region", ",outcome=\"failed\",region") + "} 2\n")
			.contains("circuit_breaker_transitions_total{exchange=\"upbit\",from=\"CLOSED\",name=\"upbit/kr/ticker\",region=\"kr\",to=\"OPEN\",type=\"ticker\"} 1.0")
			.contains("circuit_breaker_store_outages_total 0.0")
			.contains("circuit_breaker_over_limit_calls_total 0.0")
			// Redis latency and errors per command, from Spring Boot's Lettuce observation.
			.contains("lettuce_seconds_count{db_operation=\"EVALSHA\",db_system=\"redis\",error=\"none\"");

		// Forced open through A: B's gauge follows over Pub/Sub.
		assertThat(a.post("/actuator/circuitbreakers/upbit/kr/ticker", "{\"updateState\":\"FORCE_OPEN\"}").statusCode())
			.isEqualTo(200);
		awaitScrape(b, "circuit_breaker_state{" + TAGS + "} 3.0");
	}

	@Test
	void healthListsBreakersThatAreNotClosedAndStaysUpByDefault() {
		FleetApplications.Instance a = this.fleet.start("instance-a");
		FleetApplications.Instance b = this.fleet.start("instance-b");
		assertThat(b.ticker("bithumb", "kr", false)).isEqualTo(200);
		assertThat(b.ticker("upbit", "kr", true)).isEqualTo(502);
		assertThat(b.ticker("upbit", "kr", true)).isEqualTo(502);
		String body = a.await("/actuator/health", 200,
				(json) -> "OPEN".equals(FleetApplications.read(json, "$.components.circuitBreakers.details.breakers['upbit/kr/ticker'].state")));
		assertThat((String) JsonPath.read(body, "$.status")).isEqualTo("UP");
		assertThat((String) JsonPath.read(body, "$.components.circuitBreakers.status")).isEqualTo("UP");
		assertThat((String) JsonPath.read(body, "$.components.circuitBreakers.details.store")).isEqualTo("shared");
		Map<String, Object> breakers = JsonPath.read(body, "$.components.circuitBreakers.details.breakers");
		assertThat(breakers).containsOnlyKeys("upbit/kr/ticker");
		assertThat(JsonPath.<String>read(body, "$.components.circuitBreakers.details.breakers['upbit/kr/ticker'].reason"))
			.isEqualTo("failures: 2/2");
	}

	@Test
	void anOpenBreakerReportsTheConfiguredStatus() {
		FleetApplications.Instance a = this.fleet.start("instance-a", "circuitbreaker.health.open-breaker-status=DOWN");
		assertThat(a.ticker("upbit", "kr", false)).isEqualTo(200);
		a.await("/actuator/health", 200, (json) -> "UP".equals(FleetApplications.read(json, "$.components.circuitBreakers.status")));
		assertThat(a.ticker("upbit", "kr", true)).isEqualTo(502);
		assertThat(a.ticker("upbit", "kr", true)).isEqualTo(502);
		String body = a.await("/actuator/health", 503, (json) -> "DOWN".equals(FleetApplications.read(json, "$.components.circuitBreakers.status")));
		assertThat((String) JsonPath.read(body, "$.status")).isEqualTo("DOWN");
	}

	private static String awaitScrape(FleetApplications.Instance instance, String line) {
		return instance.await("/actuator/prometheus", 200, (body) -> body.contains(line));
	}

}
