package io.redisbreaker.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Durations as operators type them: {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 1d}, or
 * ISO-8601 ({@code PT5S}) as the starter's properties accept.
 */
final class DurationConverter implements ITypeConverter<Duration> {

	@Override
	public Duration convert(String value) {
		String text = value.trim().toLowerCase(Locale.ROOT);
		try {
			if (text.startsWith("p")) {
				return Duration.parse(text.toUpperCase(Locale.ROOT));
			}
			if (text.endsWith("ms")) {
				return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
			}
			long amount = Long.parseLong(text.substring(0, text.length() - 1));
			return switch (text.charAt(text.length() - 1)) {
				case 's' -> Duration.ofSeconds(amount);
				case 'm' -> Duration.ofMinutes(amount);
				case 'h' -> Duration.ofHours(amount);
				case 'd' -> Duration.ofDays(amount);
				default -> throw new NumberFormatException();
			};
		}
		catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException ex) {
			throw new TypeConversionException(
					"'" + value + "' is not a duration; expected a number with ms, s, m, h or d (5s, 500ms) or ISO-8601 (PT5S)");
		}
	}

}
