package io.redisbreaker.core;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * Rules for breaker names. Names become part of Redis keys and of the hash tag that keeps a breaker's
 * keys in one cluster slot ({@code cb:{name}}), and of tab-separated transition messages, so braces,
 * whitespace and control characters are not allowed.
 * <p>
 * A valid name is at most {@value #MAX_LENGTH} characters of:
 * <ul>
 * <li>letters and digits of any script ({@code upbit}, {@code 업비트}, {@code 42});
 * <li>{@code . _ : / @ -};
 * <li>percent escapes of UTF-8 bytes, two upper-case hex digits each ({@code %20} for a space).
 * </ul>
 * Literal names (in {@code @CircuitProtected}, {@code circuitbreaker.instances} or the registry) must
 * follow these rules. Names computed per call go through {@link #encode(String)} instead, which makes
 * any text a valid name.
 */
public final class BreakerNames {

	/** The longest valid name, in Java characters (UTF-16 code units). */
	public static final int MAX_LENGTH = 200;

	/** The rules in one sentence, for error messages. */
	public static final String RULES = "names may use letters and digits of any script, . _ : / @ - and %XX escapes "
			+ "(upper-case hex), at most " + MAX_LENGTH + " characters";

	/** Length of the hash that ends a shortened name. */
	private static final int HASH_LENGTH = 16;

	private static final String PUNCTUATION = "._:/@-";

	private static final char[] HEX = "0123456789ABCDEF".toCharArray();

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
		for (int i = 0; i < name.length();) {
			int codePoint = name.codePointAt(i);
			if (codePoint == '%' && isEscape(name, i)) {
				i += 3;
				continue;
			}
			if (!isPlain(codePoint)) {
				throw new IllegalArgumentException("Circuit breaker name '" + name + "' has '"
						+ new String(Character.toChars(codePoint)) + "' at position " + i + "; " + RULES);
			}
			i += Character.charCount(codePoint);
		}
		return name;
	}

	/** Whether {@code name} is valid. */
	public static boolean isValid(String name) {
		try {
			validate(name);
			return true;
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	/**
	 * Makes any non-empty text a valid name, the same way on every instance. Letters, digits and
	 * {@code . _ : / @ -} stay as they are; every other character, {@code %} included, becomes the
	 * percent escapes of its UTF-8 bytes ({@code "up bit"} becomes {@code "up%20bit"}, {@code "{x}"}
	 * becomes {@code "%7Bx%7D"}), so {@link #decode(String)} gives the text back. A result longer than
	 * {@value #MAX_LENGTH} characters is shortened to its first characters, a {@code -} and a hash of
	 * the whole, so different long texts still get different names (but cannot be decoded).
	 * @param text the text, such as the value of a name expression
	 * @return a valid name
	 * @throws IllegalArgumentException when the text is empty
	 */
	public static String encode(String text) {
		if (text.isEmpty()) {
			throw new IllegalArgumentException("Circuit breaker name must not be empty");
		}
		StringBuilder encoded = new StringBuilder(text.length());
		text.codePoints().forEach((codePoint) -> {
			if (isPlain(codePoint)) {
				encoded.appendCodePoint(codePoint);
			}
			else {
				for (byte b : new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8)) {
					encoded.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
				}
			}
		});
		return (encoded.length() <= MAX_LENGTH) ? encoded.toString() : shorten(encoded.toString());
	}

	/**
	 * Reverses the escapes of {@link #encode(String)}: {@code "up%20bit/kr/ticker"} gives
	 * {@code "up bit/kr/ticker"}. A name without escapes comes back unchanged.
	 * @param name a valid name
	 * @return the text it was encoded from (for a shortened name, the shortened text)
	 */
	public static String decode(String name) {
		if (name.indexOf('%') < 0) {
			return name;
		}
		StringBuilder decoded = new StringBuilder(name.length());
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		for (int i = 0; i < name.length();) {
			if (name.charAt(i) == '%' && isEscape(name, i)) {
				bytes.write(Integer.parseInt(name, i + 1, i + 3, 16));
				i += 3;
				continue;
			}
			if (bytes.size() > 0) {
				decoded.append(bytes.toString(StandardCharsets.UTF_8));
				bytes.reset();
			}
			decoded.append(name.charAt(i));
			i++;
		}
		decoded.append(bytes.toString(StandardCharsets.UTF_8));
		return decoded.toString();
	}

	private static boolean isPlain(int codePoint) {
		return Character.isLetter(codePoint) || Character.isDigit(codePoint) || PUNCTUATION.indexOf(codePoint) >= 0;
	}

	private static boolean isEscape(String name, int index) {
		return index + 2 < name.length() && isHex(name.charAt(index + 1)) && isHex(name.charAt(index + 2));
	}

	private static boolean isHex(char c) {
		return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
	}

	/** The first characters (never half an escape or half a surrogate pair), a dash and a hash of the whole. */
	private static String shorten(String encoded) {
		int cut = MAX_LENGTH - HASH_LENGTH - 1;
		if (encoded.charAt(cut - 1) == '%') {
			cut -= 1;
		}
		else if (encoded.charAt(cut - 2) == '%') {
			cut -= 2;
		}
		else if (Character.isHighSurrogate(encoded.charAt(cut - 1))) {
			cut -= 1;
		}
		return encoded.substring(0, cut) + "-" + sha256(encoded).substring(0, HASH_LENGTH);
	}

	private static String sha256(String text) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
			StringBuilder hex = new StringBuilder(digest.length * 2);
			for (byte b : digest) {
				hex.append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
			}
			return hex.toString().toLowerCase(Locale.ROOT);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
		}
	}

}
