package io.redisbreaker.reproduction;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * What one scenario did to one client setup.
 *
 * @param scenario the fault
 * @param setup the client setup
 * @param requests requests made
 * @param failed requests that failed or did not return within the observation window
 * @param recovery time from the fault (or the server's return) until requests succeeded again for
 * good, or {@code null} if they never did within the window
 * @param slowest the longest request, or the window if one never returned
 */
record Result(String scenario, ClientSetup setup, int requests, int failed, @Nullable Duration recovery,
		Duration slowest) {

	String recoveryText() {
		if (this.recovery == null) {
			return "not within the window";
		}
		return (this.failed == 0) ? "no failure" : this.recovery.toMillis() + " ms";
	}

}
