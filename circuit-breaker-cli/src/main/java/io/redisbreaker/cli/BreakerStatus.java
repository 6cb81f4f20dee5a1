package io.redisbreaker.cli;

import io.redisbreaker.core.CircuitSnapshot;

/**
 * One breaker as the CLI shows it: its shared state and counts, and the settings an instance recorded.
 *
 * @param snapshot the state and counts, read with the recorded sliding window
 * @param settings what the last instance recorded
 */
record BreakerStatus(CircuitSnapshot snapshot, RecordedConfig settings) {

	String name() {
		return this.snapshot.name();
	}

	/** Whether the rates count yet: Resilience4j's {@code -1} below the minimum calls. */
	boolean rated() {
		return this.snapshot.calls() > 0 && this.snapshot.calls() >= minimumCalls();
	}

	/** The recorded minimum calls; 1 when none (or none readable) was recorded, so any rate shows. */
	private long minimumCalls() {
		try {
			return this.settings.value("minimum-calls").map(Long::parseLong).orElse(1L);
		}
		catch (NumberFormatException ex) {
			return 1;
		}
	}

}
