package io.redisbreaker.sample;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.redisbreaker.testsupport.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Who may read and who may change the breakers, tried over HTTP with the dev profile's users.
 */
@ExtendWith(OutputCaptureExtension.class)
class SampleSecurityTests {

	private static final String FORCE_OPEN = "{\"updateState\":\"FORCE_OPEN\"}";

	private static RedisServer redis;

	private static SampleInstance sample;

	@BeforeAll
	static void start() {
		redis = RedisServer.launch();
		sample = SampleInstance.start(redis);
		sample.get("/tickers/upbit/kr/BTC");
	}

	@AfterAll
	static void stop() {
		sample.close();
		redis.close();
	}

	@Test
	void anonymousUsersReadTickersAndHealthButNoBreakers() {
		Object before = redis.command("HGETALL", "cb:{upbit/kr/ticker}");
		assertThat(sample.get("/tickers/upbit/kr/BTC")).contains("\"source\":\"live\"");
		assertThat(sample.get("/actuator/health")).contains("\"status\":");
		assertThat(status("GET", "/actuator/circuitbreakers", null, null)).isEqualTo(401);
		assertThat(status("GET", "/actuator/circuitbreakerevents", null, null)).isEqualTo(401);
		assertThat(status("GET", "/actuator/prometheus", null, null)).isEqualTo(401);
		// Writes without credentials stop at the CSRF check (403) or at sign-in (401): either way, unchanged.
		assertThat(status("POST", "/actuator/circuitbreakers/upbit/kr/ticker", null, FORCE_OPEN)).isIn(401, 403);
		assertThat(status("DELETE", "/actuator/circuitbreakers", null, null)).isIn(401, 403);
		assertThat(status("POST", "/simulation/exchanges/upbit?mode=down", null, null)).isIn(401, 403);
		assertThat(redis.command("HGETALL", "cb:{upbit/kr/ticker}")).isEqualTo(before);
	}

	@Test
	void aMonitoringUserReadsButCannotChangeState() {
		Object before = redis.command("HGETALL", "cb:{upbit/kr/ticker}");
		assertThat(sample.getAs("monitor", "/actuator/circuitbreakers")).contains("\"upbit/kr/ticker\"");
		assertThat(sample.getAs("monitor", "/actuator/prometheus")).contains("circuit_breaker_state{");
		assertThat(status("POST", "/actuator/circuitbreakers/upbit/kr/ticker", "monitor", FORCE_OPEN)).isEqualTo(403);
		assertThat(status("DELETE", "/actuator/circuitbreakers", "monitor", null)).isEqualTo(403);
		assertThat(status("POST", "/simulation/exchanges/upbit?mode=down", "monitor", null)).isEqualTo(403);
		assertThat(redis.command("HGETALL", "cb:{upbit/kr/ticker}")).isEqualTo(before);
	}

	@Test
	void anAdminChangesStateForTheFleet() {
		try {
			assertThat(sample.postAs("admin", "/actuator/circuitbreakers/upbit/kr/ticker", FORCE_OPEN))
				.contains("\"state\":\"FORCED_OPEN\"");
			assertThat(redis.command("HGET", "cb:{upbit/kr/ticker}", "state")).isEqualTo("FORCED_OPEN");
			assertThat(sample.get("/tickers/upbit/kr/BTC")).contains("\"source\":\"fallback: breaker open\"");
		}
		finally {
			sample.postAs("admin", "/actuator/circuitbreakers/upbit/kr/ticker", "{\"updateState\":\"RESET\"}");
		}
	}

	@Test
	void aBrowserSignsInWithTheFormAndWritesOnlyWithTheSessionsCsrfToken() throws Exception {
		// As a browser does it: cookies kept, redirects seen one by one.
		HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
		HttpResponse<String> dashboard = browse(browser, "GET", "/circuitbreakers-dashboard", null, Map.of());
		assertThat(dashboard.statusCode()).isEqualTo(302);
		assertThat(dashboard.headers().firstValue("Location")).hasValueSatisfying((to) -> assertThat(to).endsWith("/login"));
		HttpResponse<String> form = browse(browser, "GET", "/login", null, Map.of());
		assertThat(form.statusCode()).isEqualTo(200);
		Matcher token = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(form.body());
		assertThat(token.find()).as("the sign-in form's CSRF field in " + form.body()).isTrue();

		HttpResponse<String> signedIn = browse(browser, "POST", "/login",
				"username=admin&password=admin&_csrf=" + URLEncoder.encode(token.group(1), StandardCharsets.UTF_8),
				Map.of("Content-Type", "application/x-www-form-urlencoded"));
		assertThat(signedIn.statusCode()).isEqualTo(302);
		assertThat(signedIn.headers().firstValue("Location")).hasValueSatisfying((to) -> assertThat(to).doesNotContain("error"));
		assertThat(browse(browser, "GET", "/circuitbreakers-dashboard", null, Map.of()).statusCode()).isEqualTo(200);

		// The dashboard's config document hands the page the token its writes must carry.
		String config = browse(browser, "GET", "/circuitbreakers-dashboard/config", null, Map.of()).body();
		assertThat(config).contains("\"canUpdate\":true");
		Matcher csrf = Pattern.compile("\"headerName\":\"([^\"]+)\",\"token\":\"([^\"]+)\"").matcher(config);
		assertThat(csrf.find()).as("the CSRF token in " + config).isTrue();
		Map<String, String> json = Map.of("Content-Type", "application/json");
		assertThat(browse(browser, "POST", "/actuator/circuitbreakers/upbit/kr/ticker", FORCE_OPEN, json).statusCode())
			.isEqualTo(403);
		try {
			Map<String, String> withToken = Map.of("Content-Type", "application/json", csrf.group(1), csrf.group(2));
			HttpResponse<String> forced = browse(browser, "POST", "/actuator/circuitbreakers/upbit/kr/ticker", FORCE_OPEN,
					withToken);
			assertThat(forced.statusCode()).isEqualTo(200);
			assertThat(forced.body()).contains("\"state\":\"FORCED_OPEN\"");
		}
		finally {
			sample.postAs("admin", "/actuator/circuitbreakers/upbit/kr/ticker", "{\"updateState\":\"RESET\"}");
		}
	}

	private static HttpResponse<String> browse(HttpClient browser, String method, String path, String body,
			Map<String, String> headers) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + sample.port() + path))
			.header("Accept", "text/html,application/json")
			.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
		headers.forEach(request::header);
		return browser.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	@Test
	void theDashboardIsForMonitoringUsersAndShowsWritesToAdminsOnly() {
		HttpResponse<String> anonymous = sample.send("GET", "/circuitbreakers-dashboard", null, null, "text/html");
		assertThat(anonymous.statusCode()).isEqualTo(302);
		assertThat(sample.getAs("monitor", "/circuitbreakers-dashboard")).contains("<html");
		assertThat(sample.getAs("monitor", "/circuitbreakers-dashboard/config")).contains("\"canUpdate\":false",
				"\"canResetAll\":false");
		assertThat(sample.getAs("admin", "/circuitbreakers-dashboard/config")).contains("\"canUpdate\":true",
				"\"canResetAll\":true");
	}

	@Test
	void aBreakerWhoseNameHasEscapesCanBeChangedToo() {
		// "up bit" gives the breaker up%20bit/kr/ticker: its path holds an encoded %.
		assertThat(sample.get("/tickers/up%20bit/kr/BTC")).contains("\"breaker\":\"up%20bit/kr/ticker\"");
		try {
			assertThat(sample.postAs("admin", "/actuator/circuitbreakers/up%2520bit/kr/ticker", FORCE_OPEN))
				.contains("\"state\":\"FORCED_OPEN\"");
			assertThat(redis.command("HGET", "cb:{up%20bit/kr/ticker}", "state")).isEqualTo("FORCED_OPEN");
		}
		finally {
			sample.postAs("admin", "/actuator/circuitbreakers/up%2520bit/kr/ticker", "{\"updateState\":\"RESET\"}");
		}
	}

	@Test
	void prodWithoutCredentialsFailsStartupNamingTheVariablesToSet(CapturedOutput output) {
		assertThatException().isThrownBy(() -> SpringApplication.run(SampleApplication.class, "--server.port=0",
				"--spring.profiles.active=prod", "--spring.data.redis.host=" + redis.host(),
				"--spring.data.redis.port=" + redis.port()));
		assertThat(output.getOut()).contains("APPLICATION FAILED TO START",
				"The sample application has no credentials for its users: sample.security.monitor-password and "
						+ "sample.security.admin-password must be set, and only the dev profile has development users "
						+ "(active profiles: [prod]).",
				"Set the environment variables SAMPLE_SECURITY_MONITOR_PASSWORD and SAMPLE_SECURITY_ADMIN_PASSWORD");
	}

	@Test
	void aBcryptPasswordThatIsNoHashFailsStartupNamingTheProperty(CapturedOutput output) {
		assertThatException().isThrownBy(() -> SpringApplication.run(SampleApplication.class, "--server.port=0",
				"--spring.profiles.active=prod", "--spring.data.redis.host=" + redis.host(),
				"--spring.data.redis.port=" + redis.port(), "--sample.security.monitor-password=monitor",
				"--sample.security.admin-password={bcrypt}x"));
		assertThat(output.getOut()).contains("APPLICATION FAILED TO START",
				"sample.security.admin-password starts with {bcrypt} but what follows is not a BCrypt hash");
	}

	private static int status(String method, String path, String user, String json) {
		return sample.send(method, path, user, json).statusCode();
	}

}
