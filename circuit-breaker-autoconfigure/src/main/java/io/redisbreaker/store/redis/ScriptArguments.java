package io.redisbreaker.store.redis;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the typed arguments and replies of the breaker scripts share. Each script's ARGV, and each
 * reply, is one record whose components are the values in the order the script reads or returns
 * them: the record header is the only place that order is written on this side, and
 * {@code ScriptHeaderTests} holds it to the script's {@code -- ARGV:} and {@code -- Returns:} header.
 */
final class ScriptArguments {

	private static final Pattern WORD_START = Pattern.compile("(?<=[a-z0-9])([A-Z])");

	private ScriptArguments() {
	}

	static byte[] encode(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

	static byte[] encode(long value) {
		return encode(Long.toString(value));
	}

	/** As Lua's {@code tonumber} reads it; a float setting is widened first, as it always was. */
	static byte[] encode(double value) {
		return encode(Double.toString(value));
	}

	/**
	 * The names the scripts use for a record's components, in order: {@code retryAfterMs} is
	 * {@code retry_after_ms}. Read from the record's class once, when a reply type is initialised,
	 * so a reply that does not parse can name its field.
	 */
	static List<String> names(Class<? extends Record> type) {
		return Arrays.stream(type.getRecordComponents()).map((c) -> snakeCase(c.getName())).toList();
	}

	static String snakeCase(String camelCase) {
		Matcher matcher = WORD_START.matcher(camelCase);
		return matcher.replaceAll("_$1").toLowerCase(Locale.ROOT);
	}

}
