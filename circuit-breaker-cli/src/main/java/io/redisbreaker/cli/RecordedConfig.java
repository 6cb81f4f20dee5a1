package io.redisbreaker.cli;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.redisbreaker.core.CircuitBreakerConfig;
import io.redisbreaker.core.RecordedSettings;
import org.jspecify.annotations.Nullable;

/**
 * The settings the last instance recorded for a breaker ({@code <prefix>{name}:settings}, written by
 * the starter's settings check), read back from their description. The CLI has no configuration of
 * its own: it reads the window with the recorded sliding window, so the counts are those the
 * applications see, and shows the recorded thresholds; without a record it reads with the starter's
 * defaults and shows no thresholds.
 *
 * @param recorded what was recorded, or {@code null}
 * @param values the described settings by name, empty without a record
 * @param config the settings to read the breaker with
 */
record RecordedConfig(@Nullable RecordedSettings recorded, Map<String, String> values, CircuitBreakerConfig config) {

	static final RecordedConfig NONE = new RecordedConfig(null, Map.of(), CircuitBreakerConfig.ofDefaults());

	static RecordedConfig of(@Nullable RecordedSettings recorded) {
		if (recorded == null) {
			return NONE;
		}
		Map<String, String> values = parse(recorded.settings());
		return new RecordedConfig(recorded, values, config(values));
	}

	/**
	 * {@code failure-threshold=5, ..., record-exceptions=[a,b]} by name; the lists join their classes
	 * with a bare comma, so ", " separates settings only.
	 */
	static Map<String, String> parse(String description) {
		Map<String, String> values = new LinkedHashMap<>();
		for (String setting : description.split(", ")) {
			int equals = setting.indexOf('=');
			if (equals > 0) {
				values.put(setting.substring(0, equals), setting.substring(equals + 1));
			}
		}
		return values;
	}

	/** The recorded window, the starter's defaults for the rest: the snapshot needs only the window. */
	private static CircuitBreakerConfig config(Map<String, String> values) {
		try {
			String window = values.get("sliding-window");
			if (window != null) {
				return CircuitBreakerConfig.builder().slidingWindow(Duration.parse(window)).build();
			}
		}
		catch (RuntimeException ex) {
			// Written by another version, say: read with the defaults, the record still shows as written.
		}
		return CircuitBreakerConfig.ofDefaults();
	}

	Optional<String> value(String setting) {
		return Optional.ofNullable(this.values.get(setting));
	}

	/** {@code 5 failures or 50.0% of 100 calls}, or {@code -} when nothing was recorded. */
	String thresholds() {
		if (this.recorded == null) {
			return "-";
		}
		return value("failure-threshold").orElse("?") + " in a row or " + value("failure-rate-threshold").orElse("?")
				+ "% of " + value("minimum-calls").orElse("?");
	}

}
