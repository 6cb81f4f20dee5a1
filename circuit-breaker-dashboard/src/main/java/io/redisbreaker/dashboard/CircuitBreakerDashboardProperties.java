package io.redisbreaker.dashboard;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the breaker dashboard, under {@code circuitbreaker.dashboard}.
 */
@ConfigurationProperties("circuitbreaker.dashboard")
public class CircuitBreakerDashboardProperties {

	/** The path of the dashboard page when none is configured. */
	public static final String DEFAULT_PATH = "/circuitbreakers-dashboard";

	/**
	 * Whether the application serves the dashboard page. Off by default: the page shows every breaker of
	 * the fleet to whoever may open it.
	 */
	private boolean enabled = false;

	/**
	 * Path of the dashboard page, relative to the dispatcher servlet; its script, style sheet and
	 * {@code config} document are served below it.
	 */
	private String path = DEFAULT_PATH;

	/**
	 * How often an open page reads the breakers again; at least 100ms.
	 */
	private Duration refreshInterval = Duration.ofMillis(500);

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getPath() {
		return this.path;
	}

	public void setPath(String path) {
		this.path = path;
	}

	public Duration getRefreshInterval() {
		return this.refreshInterval;
	}

	public void setRefreshInterval(Duration refreshInterval) {
		this.refreshInterval = refreshInterval;
	}

	/**
	 * The path without a trailing slash, starting with one; empty for the root.
	 * @throws IllegalArgumentException for a path that is not an absolute path of plain segments
	 */
	String normalizedPath() {
		String value = this.path.trim();
		if (!value.startsWith("/")) {
			value = "/" + value;
		}
		while (value.endsWith("/")) {
			value = value.substring(0, value.length() - 1);
		}
		if (!value.matches("(/[A-Za-z0-9._~-]+)*")) {
			throw new IllegalArgumentException("circuitbreaker.dashboard.path '" + this.path
					+ "' must be a path of letters, digits and . _ ~ - segments, such as " + DEFAULT_PATH);
		}
		return value;
	}

	/**
	 * The refresh interval, checked.
	 * @throws IllegalArgumentException when it is shorter than 100ms
	 */
	Duration checkedRefreshInterval() {
		if (this.refreshInterval.compareTo(Duration.ofMillis(100)) < 0) {
			throw new IllegalArgumentException(
					"circuitbreaker.dashboard.refresh-interval must be at least 100ms, was " + this.refreshInterval);
		}
		return this.refreshInterval;
	}

}
