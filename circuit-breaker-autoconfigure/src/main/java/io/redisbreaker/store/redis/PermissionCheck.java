package io.redisbreaker.store.redis;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

/**
 * Proves at startup that the Redis user may run everything the breaker scripts do, on a breaker's
 * keys, on the name index and on the transition channel, so a missing permission fails startup
 * instead of making every breaker flap between Redis and its failure policy at runtime. See
 * {@code check.lua}.
 */
final class PermissionCheck {

	/**
	 * The breaker whose keys the check uses ({@code cb:{#startup-check}}). {@code #} is not allowed in
	 * breaker names, so no real breaker can share these keys.
	 */
	static final String NAME = "#startup-check";

	private static final LuaScript CHECK = LuaScript.load("check.lua");

	private PermissionCheck() {
	}

	/**
	 * Runs the check; completes with every refused command and Redis's reason, in the order the
	 * scripts would have met them, or an empty map when everything is permitted. Fails when the check
	 * itself cannot run (Redis unreachable, credentials or EVALSHA refused).
	 */
	static CompletionStage<Map<String, String>> run(RedisClusterAsyncCommands<byte[], byte[]> commands,
			BreakerKeys keys, String origin) {
		// A subscriber recognises this message by its first field and ignores it.
		byte[] message = BreakerKeys.bytes(NAME + "\tstartup check of instance " + origin);
		return CHECK
			.run(commands, keys.of(NAME), BreakerKeys.bytes("keys"), BreakerKeys.bytes(keys.transitionChannel()),
					message)
			.thenCompose((breakerKeys) -> CHECK
				.run(commands, new byte[][] { BreakerKeys.bytes(keys.index()) }, BreakerKeys.bytes("index"))
				.thenApply((index) -> {
					Map<String, String> refused = new LinkedHashMap<>();
					collect(breakerKeys, refused);
					collect(index, refused);
					return refused;
				}));
	}

	private static void collect(List<Object> reply, Map<String, String> refused) {
		for (int i = 0; i + 1 < reply.size(); i += 2) {
			refused.putIfAbsent(text(reply.get(i)), text(reply.get(i + 1)));
		}
	}

	private static String text(Object value) {
		return (value instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
	}

}
