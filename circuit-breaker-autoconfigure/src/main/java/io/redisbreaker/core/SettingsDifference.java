package io.redisbreaker.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Names the settings that differ between two {@link CircuitBreakerConfig#describeSettings()}. */
final class SettingsDifference {

	private SettingsDifference() {
	}

	/** For example {@code failure-threshold 3 there, 5 here}. */
	static String describe(String there, String here) {
		Map<String, String> theirs = parse(there);
		Map<String, String> ours = parse(here);
		List<String> differences = new ArrayList<>();
		ours.forEach((setting, value) -> {
			String other = theirs.get(setting);
			if (!value.equals(other)) {
				differences.add(setting + " " + ((other != null) ? other : "(not set)") + " there, " + value + " here");
			}
		});
		theirs.forEach((setting, value) -> {
			if (!ours.containsKey(setting)) {
				differences.add(setting + " " + value + " there, (not set) here");
			}
		});
		return differences.isEmpty() ? "the same values, written differently" : String.join("; ", differences);
	}

	private static Map<String, String> parse(String settings) {
		Map<String, String> values = new LinkedHashMap<>();
		// Values never contain ", " followed by a setting name and '=' (exception lists use ',').
		for (String pair : settings.split(", (?=[a-z-]+=)")) {
			int equals = pair.indexOf('=');
			if (equals > 0) {
				values.put(pair.substring(0, equals), pair.substring(equals + 1));
			}
		}
		return values;
	}

}
