package io.redisbreaker.sample.exchange;

import java.time.Duration;
import java.util.Locale;

/**
 * How a simulated exchange behaves: it answers ({@code up}), fails every call ({@code down}) or
 * answers after a delay ({@code slow}); a delay beyond the client's timeout fails the call too.
 * @param mode how it behaves
 * @param delay how long each answer takes, zero unless slow
 */
public record Condition(Mode mode, Duration delay) {

	/** The normal condition of an exchange. */
	public static final Condition UP = new Condition(Mode.UP, Duration.ZERO);

	/** The longest delay a slow exchange may have: longer would only hold request threads. */
	public static final Duration MAX_DELAY = Duration.ofMinutes(1);

	public Condition {
		if (mode == Mode.SLOW && (delay.isNegative() || delay.isZero() || delay.compareTo(MAX_DELAY) > 0)) {
			throw new IllegalArgumentException("A slow exchange needs a delay above 0 and at most " + MAX_DELAY.toSeconds()
					+ "s, but the delay was " + delay.toMillis() + "ms");
		}
		if (mode != Mode.SLOW) {
			delay = Duration.ZERO;
		}
	}

	/** The form kept in Redis: {@code down}, {@code slow:800} (milliseconds) or {@code up}. */
	String encode() {
		return (this.mode == Mode.SLOW) ? "slow:" + this.delay.toMillis() : this.mode.name().toLowerCase(Locale.ROOT);
	}

	/** Reads {@link #encode()}'s form; anything else (a hand-edited value) is treated as up. */
	static Condition decode(String value) {
		if (value.equals("down")) {
			return new Condition(Mode.DOWN, Duration.ZERO);
		}
		if (value.startsWith("slow:")) {
			try {
				return new Condition(Mode.SLOW, Duration.ofMillis(Long.parseLong(value.substring(5))));
			}
			catch (IllegalArgumentException ex) {
				return UP;
			}
		}
		return UP;
	}

	/** How a simulated exchange behaves. */
	public enum Mode {

		/** It answers at once. */
		UP,

		/** Every call fails. */
		DOWN,

		/** Every answer takes the condition's delay. */
		SLOW

	}

}
