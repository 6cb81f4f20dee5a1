package io.redisbreaker.store.redis;

import java.util.LinkedHashMap;
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

	private static final LuaScript CHECK = LuaScript.load(CheckReply.SCRIPT);

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
		String message = NAME + "\tstartup check of instance " + origin;
		return CHECK.run(commands, keys.of(NAME, false), CheckArguments.keys(keys.transitionChannel(), message).argv())
			.thenCompose((breakerKeys) -> CHECK
				.run(commands, new byte[][] { BreakerKeys.bytes(keys.index()) }, CheckArguments.index().argv())
				.thenApply((index) -> {
					Map<String, String> refused = new LinkedHashMap<>();
					collect(CheckReply.parse(breakerKeys), refused);
					collect(CheckReply.parse(index), refused);
					return refused;
				}));
	}

	private static void collect(CheckReply reply, Map<String, String> refused) {
		for (CheckReply.Refusal refusal : reply.refusals()) {
			refused.putIfAbsent(refusal.command(), refusal.error());
		}
	}

}
