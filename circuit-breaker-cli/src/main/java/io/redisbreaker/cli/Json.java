package io.redisbreaker.cli;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The few JSON documents the CLI prints for scripts: maps, lists, text, numbers, booleans, instants
 * (as ISO-8601 text) and nulls. Written by hand: no JSON library is among the starter's dependencies,
 * and one would be a dependency for twenty lines.
 */
final class Json {

	private Json() {
	}

	static String write(@Nullable Object value) {
		StringBuilder json = new StringBuilder();
		write(json, value);
		return json.toString();
	}

	private static void write(StringBuilder json, @Nullable Object value) {
		if (value == null) {
			json.append("null");
		}
		else if (value instanceof Map<?, ?> map) {
			json.append('{');
			boolean first = true;
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				if (!first) {
					json.append(',');
				}
				first = false;
				string(json, String.valueOf(entry.getKey()));
				json.append(':');
				write(json, entry.getValue());
			}
			json.append('}');
		}
		else if (value instanceof Collection<?> list) {
			json.append('[');
			boolean first = true;
			for (Object element : list) {
				if (!first) {
					json.append(',');
				}
				first = false;
				write(json, element);
			}
			json.append(']');
		}
		else if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
			json.append(value);
		}
		else if (value instanceof Number number) {
			double d = number.doubleValue();
			json.append(Double.isFinite(d) ? String.valueOf(d) : "null");
		}
		else if (value instanceof Instant instant) {
			string(json, instant.toString());
		}
		else {
			string(json, value.toString());
		}
	}

	private static void string(StringBuilder json, String text) {
		json.append('"');
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			switch (c) {
				case '"' -> json.append("\\\"");
				case '\\' -> json.append("\\\\");
				case '\n' -> json.append("\\n");
				case '\r' -> json.append("\\r");
				case '\t' -> json.append("\\t");
				default -> {
					if (c < 0x20) {
						json.append(String.format("\\u%04x", (int) c));
					}
					else {
						json.append(c);
					}
				}
			}
		}
		json.append('"');
	}

}
