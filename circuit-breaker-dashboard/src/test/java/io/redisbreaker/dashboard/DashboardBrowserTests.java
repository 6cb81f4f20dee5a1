package io.redisbreaker.dashboard;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.redisbreaker.dashboard.DashboardFleet.Instance;
import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.WithRedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import static io.redisbreaker.dashboard.testapp.DashboardTestApplication.ADMIN;
import static io.redisbreaker.dashboard.testapp.DashboardTestApplication.MONITOR;
import static io.redisbreaker.dashboard.testapp.DashboardTestApplication.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard in a real browser (headless Chromium): two instances of an application share one
 * Redis, each page shows the whole fleet, and a button pressed on one instance's page changes what the
 * other's shows. Every wait is on a condition with a deadline.
 */
@WithRedisServer
class DashboardBrowserTests {

	private static final String UPBIT = "upbit/kr/ticker";

	private static final String BITHUMB = "bithumb/kr/ticker";

	private static final String KORBIT = "korbit/kr/ticker";

	/** The name a call for the exchange "up bit" gets: computed names are escaped. */
	private static final String ESCAPED = "up%20bit/kr/ticker";

	private static final String PAGE = "/circuitbreakers-dashboard";

	/** Closed after each test, so the instances of one test never meet the next. */
	@AutoClose
	private final DashboardFleet fleet;

	private final List<Browser> browsers = new ArrayList<>();

	DashboardBrowserTests(RedisServer server) {
		this.fleet = new DashboardFleet(server);
	}

	@BeforeAll
	static void needsChromium() {
		Browser.assumeInstalled();
	}

	@AfterEach
	void closeBrowsers() {
		this.browsers.forEach(Browser::close);
	}

	@Test
	void aButtonOnOneInstancesPageChangesTheBreakerThatTheOtherInstancesPageShows() {
		long started = System.nanoTime();
		Instance a = this.fleet.start("instance-a");
		// An instance id is free text that the events show: this one would run a script if rendered as HTML.
		Instance b = this.fleet.start("b<img src=x onerror=window.__xss=1>");
		assertThat(b.ticker("bithumb", "kr")).isEqualTo(200);
		b.upstreamFails("korbit", true);
		assertThat(b.ticker("korbit", "kr")).isEqualTo(502);
		b.upstreamFails("korbit", false);
		for (int i = 0; i < 3; i++) {
			assertThat(b.ticker("korbit", "kr")).isEqualTo(200);
		}
		Browser onA = browser();
		Browser onB = browser();
		onA.signIn(a.url(PAGE), ADMIN, PASSWORD);
		onB.signIn(b.url(PAGE), ADMIN, PASSWORD);
		onA.awaitState(BITHUMB, "CLOSED");
		onA.until("B's calls counted for the fleet on A's page",
				(d) -> "25.0%".equals(onA.text(Browser.row(KORBIT) + " .rate-value")));
		assertThat(onA.text(Browser.row(KORBIT) + " .calls")).startsWith("4 calls, 1 failed, 0 slow");

		a.upstreamFails("upbit", true);
		assertThat(a.ticker("upbit", "kr")).isEqualTo(502);
		onA.until("the failed call counted", (d) -> onA.text(Browser.row(UPBIT) + " .calls")
			.startsWith("1 call, 1 failed, 0 slow\n1 failure in a row (opens at 2)"));
		assertThat(a.ticker("upbit", "kr")).isEqualTo(502);
		onA.awaitState(UPBIT, "OPEN");
		assertThat(a.ticker("upbit", "kr")).as("the open breaker rejects").isEqualTo(503);
		assertThat(onA.text(Browser.row(UPBIT) + " .rate")).contains("opens at 50.0%");
		onA.until("the rejected call counted", (d) -> "1".equals(onA.text(Browser.row(UPBIT) + " .rejected")));
		assertThat(onA.text(Browser.row(UPBIT) + " .reason")).contains("failures: 2/2");
		double first = countdown(onA, UPBIT);
		assertThat(first).isBetween(20.0, 45.0);
		onA.until("the countdown to the next trial to go down", (d) -> countdown(onA, UPBIT) < first - 0.3);
		onB.awaitState(UPBIT, "OPEN");
		onA.until("the transition in the recent transitions",
				(d) -> eventText(onA, UPBIT).contains("CLOSED\n→\nOPEN") || eventText(onA, UPBIT).contains("CLOSED → OPEN"));
		assertThat(onA.text("#summary [data-state=OPEN]")).startsWith("1");
		onA.screenshot("open-on-instance-a");

		long clicked = System.nanoTime();
		onA.click(BITHUMB, "FORCE_OPEN");
		onB.until(Duration.ofSeconds(3), "B's page to show the breaker forced open on A's page",
				(d) -> "FORCED_OPEN".equals(onB.state(BITHUMB)));
		long propagation = Duration.ofNanos(System.nanoTime() - clicked).toMillis();
		assertThat(b.ticker("bithumb", "kr")).as("B obeys the state forced on A's page").isEqualTo(503);
		onB.until("B's transitions to name instance-a", (d) -> eventText(onB, BITHUMB).contains("by instance-a"));
		onB.screenshot("forced-open-on-instance-b");
		onA.awaitState(BITHUMB, "FORCED_OPEN");
		onA.until("A's transitions to show the forced open", (d) -> eventText(onA, BITHUMB).contains("forced open via"));
		onA.screenshot("dashboard");

		onB.click(UPBIT, "RESET");
		onA.awaitState(UPBIT, "CLOSED");
		assertThat(onA.state(BITHUMB)).isEqualTo("FORCED_OPEN");
		// "Reset all" (DELETE on the endpoint) asks for a second click.
		WebElement resetAll = onA.driver().findElement(By.id("reset-all"));
		resetAll.click();
		assertThat(resetAll.getText()).isEqualTo("Click again to reset all 3");
		assertThat(onA.state(BITHUMB)).isEqualTo("FORCED_OPEN");
		resetAll.click();
		onA.awaitState(BITHUMB, "CLOSED");
		onB.awaitState(BITHUMB, "CLOSED");
		a.upstreamFails("upbit", false);
		assertThat(a.ticker("upbit", "kr")).isEqualTo(200);
		assertThat(a.ticker("bithumb", "kr")).isEqualTo(200);
		onA.until("A's transitions to show B's resets", (d) -> eventText(onA, UPBIT).contains("reset via"));
		assertThat(eventText(onA, UPBIT)).as("the instance id as text, not as markup")
			.contains("by b<img src=x onerror=window.__xss=1>");
		assertThat(onA.driver().findElements(By.cssSelector("#events img, #breakers img"))).isEmpty();
		assertThat(onA.driver().executeScript("return window.__xss === undefined")).isEqualTo(true);
		assertThat(onA.driver().findElements(By.cssSelector(Browser.row(UPBIT) + " button.action")))
			.extracting(WebElement::getText)
			.containsExactly("Force open", "Close", "Disable", "Reset");
		onA.screenshot("reset-from-instance-b");
		System.out.printf("Dashboard browser test: forced open on A's page shown on B's in %d ms; test took %d ms%n",
				propagation, Duration.ofNanos(System.nanoTime() - started).toMillis());
	}

	@Test
	void aUserWhoMayNotWriteToTheEndpointSeesNoButtonsAndTheEndpointRefusesTheirWrites() {
		Instance a = this.fleet.start("instance-a");
		a.upstreamFails("upbit", true);
		a.ticker("upbit", "kr");
		a.ticker("upbit", "kr");
		Browser monitor = browser();
		monitor.signIn(a.url(PAGE), MONITOR, PASSWORD);
		monitor.awaitState(UPBIT, "OPEN");
		assertThat(monitor.driver().findElements(By.cssSelector("button.action"))).isEmpty();
		assertThat(monitor.driver().findElement(By.id("reset-all")).isDisplayed()).isFalse();
		assertThat(monitor.driver().findElement(By.id("actions-head")).isDisplayed()).isFalse();
		monitor.screenshot("monitoring-user");

		// Hiding buttons is not the protection: the endpoint's security refuses the write itself.
		Object status = monitor.async("""
				const done = arguments[arguments.length - 1];
				fetch(arguments[0]).then((r) => r.json()).then((config) => {
				  const headers = { 'Content-Type': 'application/json' };
				  if (config.csrf) { headers[config.csrf.headerName] = config.csrf.token; }
				  return fetch(config.circuitBreakers + '/upbit/kr/ticker', { method: 'POST', headers,
				      body: JSON.stringify({ updateState: 'RESET' }) });
				}).then((r) => done(r.status), (e) => done(String(e)));
				""", a.url(PAGE + "/config"));
		assertThat(status).isEqualTo(403L);
		assertThat(a.ticker("upbit", "kr")).isEqualTo(503);

		Browser admin = browser();
		admin.signIn(a.url(PAGE), ADMIN, PASSWORD);
		admin.awaitState(UPBIT, "OPEN");
		assertThat(admin.driver().findElements(By.cssSelector(Browser.row(UPBIT) + " button.action"))).hasSize(4);
		assertThat(admin.driver().findElement(By.id("reset-all")).isDisplayed()).isTrue();

		// A computed name with an escape needs an encoded % in the endpoint's URL, which Spring Security's
		// firewall rejects: the page says so rather than pretending the command went through.
		assertThat(a.ticker("up%20bit", "kr")).isEqualTo(200);
		admin.awaitState(ESCAPED, "CLOSED");
		admin.click(ESCAPED, "FORCE_OPEN");
		admin.until("the refusal explained", (d) -> admin.text("#toast.error").contains("HTTP 400")
				&& admin.text("#toast.error").contains("firewall"));
		assertThat(admin.state(ESCAPED)).isEqualTo("CLOSED");
		assertThat(a.ticker("up%20bit", "kr")).isEqualTo(200);
	}

	@Test
	void aReadOnlyEndpointUnderMappedPathsIsFoundAndShownWithoutButtons() {
		Instance a = this.fleet.start("instance-a", "management.endpoint.circuitbreakers.access=read-only",
				"server.servlet.context-path=/app", "management.endpoints.web.base-path=/manage",
				"management.endpoints.web.path-mapping.circuitbreakers=breakers",
				"circuitbreaker.dashboard.path=/ops/breakers");
		assertThat(a.ticker("upbit", "kr")).isEqualTo(200);
		Browser admin = browser();
		admin.signIn(a.url("/app/ops/breakers"), ADMIN, PASSWORD);
		admin.awaitState(UPBIT, "CLOSED");
		assertThat(admin.driver().findElements(By.cssSelector("button.action"))).isEmpty();
		assertThat(admin.driver().findElement(By.id("reset-all")).isDisplayed()).isFalse();
		@SuppressWarnings("unchecked")
		Map<String, Object> config = (Map<String, Object>) admin.async("""
				const done = arguments[arguments.length - 1];
				fetch(arguments[0]).then((r) => r.json()).then(done, (e) => done(String(e)));
				""", a.url("/app/ops/breakers/config"));
		assertThat(config).containsEntry("circuitBreakers", "/app/manage/breakers")
			.containsEntry("circuitBreakerEvents", "/app/manage/circuitbreakerevents")
			.containsEntry("canUpdate", false)
			.containsEntry("canResetAll", false);
	}

	private Browser browser() {
		Browser browser = Browser.open();
		this.browsers.add(browser);
		return browser;
	}

	private static final Pattern SECONDS = Pattern.compile("([0-9]+(?:\\.[0-9])?) s");

	/** The seconds the page counts down to the breaker's next trial. */
	private static double countdown(Browser browser, String breaker) {
		String text = browser.text(Browser.row(breaker) + " .countdown");
		Matcher matcher = SECONDS.matcher(text);
		if (!matcher.matches()) {
			throw new AssertionError("not a countdown: '" + text + "'");
		}
		return Double.parseDouble(matcher.group(1));
	}

	/** The text of the newest transition shown for the breaker, or "". */
	private static String eventText(Browser browser, String breaker) {
		return browser.text("#events li[data-breaker=\"" + breaker + "\"]");
	}

}
