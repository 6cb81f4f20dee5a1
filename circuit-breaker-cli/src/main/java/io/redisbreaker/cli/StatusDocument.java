package io.redisbreaker.cli;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

import io.redisbreaker.core.CircuitSnapshot;
import io.redisbreaker.core.CircuitState;
import io.redisbreaker.core.RecordedSettings;
import org.jspecify.annotations.Nullable;

/**
 * A breaker's fields, in the order and with the names of the actuator endpoint's document where it
 * has them, so a script written against {@code /actuator/circuitbreakers} reads the CLI's JSON too.
 */
final class StatusDocument {

	private StatusDocument() {
	}

	static Map<String, @Nullable Object> of(BreakerStatus status) {
		CircuitSnapshot snapshot = status.snapshot();
		boolean rated = status.rated();
		Map<String, @Nullable Object> fields = new LinkedHashMap<>();
		fields.put("state", snapshot.state().name());
		fields.put("failureRate", rated ? round(snapshot.failureRate()) : -1.0);
		fields.put("slowCallRate", rated ? round(snapshot.slowCallRate()) : -1.0);
		fields.put("bufferedCalls", snapshot.calls());
		fields.put("failedCalls", snapshot.failedCalls());
		fields.put("slowCalls", snapshot.slowCalls());
		fields.put("consecutiveFailures", snapshot.consecutiveFailures());
		fields.put("trialCallsInFlight", snapshot.trialCallsInFlight());
		fields.put("trialSuccesses", snapshot.trialSuccesses());
		fields.put("reopens", snapshot.reopens());
		fields.put("openedAt", snapshot.openedAt());
		fields.put("nextTrialAt", snapshot.nextTrialAt());
		fields.put("changedAt", snapshot.changedAt());
		fields.put("reason", snapshot.reason());
		fields.put("epoch", snapshot.epoch());
		fields.put("stored", snapshot.stored());
		RecordedSettings recorded = status.settings().recorded();
		fields.put("settingsHash", (recorded != null) ? recorded.hash() : null);
		fields.put("settingsInstance", (recorded != null) ? recorded.instance() : null);
		fields.put("settings", (recorded != null) ? status.settings().values() : null);
		return fields;
	}

	/** The rate as the table shows it: {@code 40.0%}, or {@code -} below the minimum calls. */
	static String rate(BreakerStatus status) {
		return status.rated() ? String.format(java.util.Locale.ROOT, "%.1f%%", status.snapshot().failureRate()) : "-";
	}

	/** When it opened, for a breaker that is open: forced ones since they were forced. */
	static @Nullable Instant openedAt(CircuitSnapshot snapshot) {
		return switch (snapshot.state()) {
			case OPEN, HALF_OPEN -> snapshot.openedAt();
			case FORCED_OPEN -> snapshot.changedAt();
			case CLOSED, DISABLED -> null;
		};
	}

	/** When trial calls are permitted, for an open breaker only. */
	static @Nullable Instant nextTrial(CircuitSnapshot snapshot) {
		return (snapshot.state() == CircuitState.OPEN) ? snapshot.nextTrialAt() : null;
	}

	/** An instant to the second, as a table cell; {@code -} for none. */
	static String time(@Nullable Instant instant) {
		return (instant != null) ? instant.truncatedTo(ChronoUnit.SECONDS).toString() : "-";
	}

	private static double round(float percent) {
		return Math.round(percent * 10) / 10.0;
	}

}
