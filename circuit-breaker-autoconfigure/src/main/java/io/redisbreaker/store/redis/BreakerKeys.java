package io.redisbreaker.store.redis;

import java.nio.charset.StandardCharsets;

/**
 * Names the Redis keys of breakers. A breaker's keys carry its name as a hash tag, so they share one
 * Redis Cluster slot and one script can touch them all: {@code cb:{upbit/kr/ticker}} is the state hash
 * ({@code redis-cli HGETALL 'cb:{upbit/kr/ticker}'} prints it), with {@code :window}, {@code :streak}
 * and {@code :permits} beside it.
 *
 * @param prefix the prefix of every key and channel, {@code cb:} by default
 */
public record BreakerKeys(String prefix) {

	public static final String DEFAULT_PREFIX = "cb:";

	public BreakerKeys {
		if (prefix.contains("{") || prefix.contains("}")) {
			throw new IllegalArgumentException(
					"Key prefix '" + prefix + "' must not contain '{' or '}': the breaker name is the hash tag");
		}
	}

	/** The state hash of a breaker. */
	public String state(String name) {
		return this.prefix + "{" + name + "}";
	}

	/** All keys of one breaker in the order the scripts expect them. */
	byte[][] of(String name) {
		String state = state(name);
		return new byte[][] { bytes(state), bytes(state + ":window"), bytes(state + ":streak"),
				bytes(state + ":permits") };
	}

	/** The command that deletes every key of a breaker, so it starts afresh (CLOSED, no counts). */
	public String repairCommand(String name) {
		String state = state(name);
		return "redis-cli DEL '" + state + "' '" + state + ":window' '" + state + ":streak' '" + state + ":permits'";
	}

	/** The set that lists breaker names, so nothing ever needs KEYS or SCAN. */
	public String index() {
		return this.prefix + "index";
	}

	/** The channel on which every transition is published. */
	public String transitionChannel() {
		return this.prefix + "transitions";
	}

	static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

}
