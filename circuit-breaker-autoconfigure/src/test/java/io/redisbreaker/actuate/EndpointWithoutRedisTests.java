package io.redisbreaker.actuate;

import java.net.http.HttpResponse;
import java.time.Duration;

import io.redisbreaker.testsupport.Await;
import io.redisbreaker.testsupport.RedisServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The endpoint while Redis is away: the breakers are still listed, from this instance's fallback
 * ({@code "source":"local"}), and a command that cannot reach the fleet is a 503 that says nothing was
 * changed, not a 500 with a timeout (found by an outside-in test of the sample).
 */
class EndpointWithoutRedisTests {

	private static final String ENDPOINT = "/actuator/circuitbreakers";

	private static final Duration WAIT = Duration.ofSeconds(20);

	@Test
	void breakersAreListedFromTheFallbackAndCommandsSayTheyCouldNotReachTheFleet() {
		try (RedisServer server = RedisServer.startProcess(); FleetApplications fleet = new FleetApplications(server)) {
			FleetApplications.Instance a = fleet.start("instance-a", "management.endpoint.circuitbreakers.access=unrestricted");
			assertThat(a.ticker("upbit", "kr", false)).isEqualTo(200);
			server.stop();
			// A decision that finds Redis gone takes it out of the path.
			Await.until(WAIT, () -> a.ticker("upbit", "kr", false) == 200
					&& a.get("/actuator/health").body().contains("\"store\":\"local\""),
					"the breakers to decide on the fallback");

			HttpResponse<String> listing = a.get(ENDPOINT);
			assertThat(listing.statusCode()).isEqualTo(200);
			assertThat((String) FleetApplications.read(listing.body(), "$.circuitBreakers['upbit/kr/ticker'].source"))
				.isEqualTo("local");
			assertThat(a.get(ENDPOINT + "/upbit/kr/ticker").statusCode()).isEqualTo(200);

			HttpResponse<String> forced = a.post(ENDPOINT + "/upbit/kr/ticker", "{\"updateState\":\"FORCE_OPEN\"}");
			assertThat(forced.statusCode()).isEqualTo(503);
			assertThat(forced.body()).contains("FORCE_OPEN of 'upbit/kr/ticker' cannot reach the other instances",
					"nothing was changed");
			HttpResponse<String> reset = a.delete(ENDPOINT);
			assertThat(reset.statusCode()).isEqualTo(503);
			assertThat(reset.body()).contains("nothing was changed");

			server.start();
			Await.until(WAIT, () -> a.get("/actuator/health").body().contains("\"store\":\"shared\""),
					"the breakers to decide on the shared state again");
			HttpResponse<String> again = a.post(ENDPOINT + "/upbit/kr/ticker", "{\"updateState\":\"FORCE_OPEN\"}");
			assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
			assertThat(server.command("HGET", "cb:{upbit/kr/ticker}", "state")).isEqualTo("FORCED_OPEN");
		}
	}

}
