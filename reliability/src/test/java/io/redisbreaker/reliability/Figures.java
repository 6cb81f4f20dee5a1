package io.redisbreaker.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Map;

/** Reading the harness's {@code key=value} answers and recording measured figures, for every test class. */
final class Figures {

	private static final Path RESULTS = Path.of("target", "reliability-results.txt");

	private Figures() {
	}

	static long number(Map<String, String> values, String key) {
		String value = values.get(key);
		if (value == null) {
			throw new AssertionError("No " + key + " in " + values);
		}
		return Long.parseLong(value);
	}

	static double millis(long nanos) {
		return nanos / 1e6;
	}

	static String format(double millis) {
		return String.format(Locale.ROOT, "%.1f", millis);
	}

	/** Prints the line and appends it to {@code target/reliability-results.txt}. */
	static void result(String scenario, String setup, String measured) {
		String line = "RESULT | " + scenario + " | " + setup + " | " + measured;
		System.out.println(line);
		try {
			Files.writeString(RESULTS, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
					StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
