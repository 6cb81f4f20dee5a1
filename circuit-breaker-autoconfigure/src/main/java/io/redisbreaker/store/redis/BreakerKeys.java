package io.redisbreaker.store.redis;

import java.nio.charset.StandardCharsets;

/**
 * Names the Redis keys of breakers. A breaker's keys carry its name as a hash tag, so they share one
 * Redis Cluster slot and one script can touch them all: {@code cb:{upbit/kr/ticker}} is the state hash
 * ({@code redis-cli HGETALL 'cb:{upbit/kr/ticker}'} prints it), with {@code :window}, {@code :streak},
 * {@code :permits}, {@code :events}, {@code :settings} and {@code :batches} beside it.
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

	/** The list of a breaker's last transitions. */
	public String events(String name) {
		return state(name) + ":events";
	}

	/** The hash of the settings the last instance to check them uses for a breaker. */
	public String settings(String name) {
		return state(name) + ":settings";
	}

	/**
	 * All keys of one breaker in the order the scripts expect them, followed by the index when the
	 * scripts may write it (not on Redis Cluster, where it lives in another slot).
	 */
	byte[][] of(String name, boolean withIndex) {
		String state = state(name);
		byte[][] keys = new byte[withIndex ? 8 : 7][];
		keys[0] = bytes(state);
		keys[1] = bytes(state + ":window");
		keys[2] = bytes(state + ":streak");
		keys[3] = bytes(state + ":permits");
		keys[4] = bytes(state + ":events");
		keys[5] = bytes(settings(name));
		keys[6] = bytes(state + ":batches");
		if (withIndex) {
			keys[7] = bytes(index());
		}
		return keys;
	}

	/** The command that deletes every key of a breaker, so it starts afresh (CLOSED, no counts). */
	public String repairCommand(String name) {
		String state = state(name);
		return "redis-cli DEL '" + state + "' '" + state + ":window' '" + state + ":streak' '" + state
				+ ":permits' '" + state + ":events' '" + state + ":settings' '" + state + ":batches'";
	}

	/**
	 * The sorted set that lists breaker names, scored by when each breaker's keys expire, so nothing
	 * ever needs KEYS or SCAN.
	 */
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
