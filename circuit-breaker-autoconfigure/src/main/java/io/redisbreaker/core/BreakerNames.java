package io.redisbreaker.core;

import java.util.regex.Pattern;

/**
 * Rules for breaker names. Names become part of Redis keys and of the hash tag that keeps a breaker's
 * keys in one cluster slot, so braces, spaces and control characters are not allowed.
 */
public final class BreakerNames {

	public static final int MAX_LENGTH = 200;

	private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9._:/@-]+");

	private BreakerNames() {
	}

	/** Returns the name, or throws an {@link IllegalArgumentException} that says what is wrong with it. */
	public static String validate(String name) {
		if (name == null || name.isEmpty()) {
			throw new IllegalArgumentException("Circuit breaker name must not be empty");
		}
		if (name.length() > MAX_LENGTH) {
			throw new IllegalArgumentException("Circuit breaker name '" + name.substring(0, 40) + "...' has "
					+ name.length() + " characters; at most " + MAX_LENGTH + " are allowed");
		}
		if (!ALLOWED.matcher(name).matches()) {
			int bad = 0;
			while (ALLOWED.matcher(name.substring(bad, bad + 1)).matches()) {
				bad++;
			}
			throw new IllegalArgumentException("Circuit breaker name '" + name + "' has '" + name.charAt(bad)
					+ "' at position " + bad + "; names may use letters, digits and . _ : / @ - only");
		}
		return name;
	}

}
