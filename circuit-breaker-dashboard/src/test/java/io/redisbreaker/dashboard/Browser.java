package io.redisbreaker.dashboard;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * One headless Chromium with a profile of its own (so its own cookies and session), driven through
 * Debian's chromedriver. Selenium Manager is never asked: both binaries are given explicitly, as the
 * machine has no internet to download them from.
 */
final class Browser implements AutoCloseable {

	static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	static final Path SCREENSHOTS = Path.of("target", "dashboard-screenshots");

	private final ChromeDriver driver;

	private final Path profile;

	private Browser(ChromeDriver driver, Path profile) {
		this.driver = driver;
		this.profile = profile;
	}

	/** Skips the test (naming the packages to install) where Chromium or its driver is missing. */
	static void assumeInstalled() {
		assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
				"The dashboard's browser tests need Debian's chromium and chromium-driver packages "
						+ "(/usr/bin/chromium, /usr/bin/chromedriver): apt-get install chromium chromium-driver");
	}

	static Browser open() {
		assumeInstalled();
		Path profile;
		try {
			profile = Files.createTempDirectory("dashboard-chromium-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toString());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
				"--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
				"--disable-dev-shm-usage", "--window-size=1440,900", "--user-data-dir=" + profile);
		ChromeDriverService service = new ChromeDriverService.Builder()
			.usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.build();
		return new Browser(new ChromeDriver(service, options), profile);
	}

	ChromeDriver driver() {
		return this.driver;
	}

	void get(String url) {
		this.driver.get(url);
	}

	/** Signs in through Spring Security's login page, which any page of the application leads to. */
	void signIn(String url, String user, String password) {
		get(url);
		until("the login page", (d) -> !d.findElements(By.name("username")).isEmpty());
		this.driver.findElement(By.name("username")).sendKeys(user);
		this.driver.findElement(By.name("password")).sendKeys(password);
		this.driver.findElement(By.cssSelector("button[type=submit], input[type=submit]")).click();
		until("the dashboard to be live", (d) -> "live".equals(text("#status-text")));
	}

	/** Waits, polling every 50 ms, until the condition holds; fails naming it after the deadline. */
	<T> T until(String what, Function<WebDriver, T> condition) {
		return until(Duration.ofSeconds(15), what, condition);
	}

	<T> T until(Duration deadline, String what, Function<WebDriver, T> condition) {
		WebDriverWait wait = new WebDriverWait(this.driver, deadline, Duration.ofMillis(50));
		wait.withMessage(() -> what + "; page shows: " + this.driver.findElement(By.tagName("body")).getText());
		return wait.until((driver) -> {
			T value = condition.apply(driver);
			return (value instanceof Boolean b && !b) ? null : value;
		});
	}

	String text(String css) {
		List<WebElement> found = this.driver.findElements(By.cssSelector(css));
		return found.isEmpty() ? "" : found.get(0).getText();
	}

	/** The row of a breaker (names may hold any of . _ : / @ - and escapes, quoted for CSS). */
	static String row(String breaker) {
		return "#breakers tr[data-breaker=\"" + breaker.replace("\\", "\\\\").replace("\"", "\\\"") + "\"]";
	}

	String state(String breaker) {
		return text(row(breaker) + " .pill");
	}

	/** Waits until the page shows the breaker in that state. */
	void awaitState(String breaker, String state) {
		until(breaker + " to be shown " + state, (d) -> state.equals(state(breaker)));
	}

	void click(String breaker, String updateState) {
		this.driver.findElement(By.cssSelector(row(breaker) + " button[data-action=" + updateState + "]")).click();
	}

	/** Runs a script that calls its last argument (the callback) with a result. */
	Object async(String script, Object... args) {
		return this.driver.executeAsyncScript(script, args);
	}

	Path screenshot(String name) {
		try {
			Files.createDirectories(SCREENSHOTS);
			File file = this.driver.getScreenshotAs(OutputType.FILE);
			Path target = SCREENSHOTS.resolve(name + ".png");
			Files.copy(file.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
			return target;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() {
		try {
			this.driver.quit();
		}
		finally {
			try (Stream<Path> files = Files.walk(this.profile)) {
				files.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
			}
			catch (IOException ex) {
				// a temp directory left behind is harmless
			}
		}
	}

}
