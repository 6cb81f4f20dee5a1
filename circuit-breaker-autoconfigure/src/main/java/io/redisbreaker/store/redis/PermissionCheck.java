package io.redisbreaker.store.redis;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.redisbreaker.connection.RedisFailures;

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
	 * itself cannot run (Redis unreachable, credentials, EVALSHA or EVAL refused).
	 * <p>
	 * The check script is loaded first, so that its run by SHA proves EVALSHA and its second run, sent
	 * whole, proves EVAL, whatever the server's script cache held before: a user without EVAL could
	 * run scripts another instance had loaded, until a restart or failover empties the cache.
	 */
	static CompletionStage<Map<String, String>> run(RedisClusterAsyncCommands<byte[], byte[]> commands,
			BreakerKeys keys, String origin) {
		// A subscriber recognises this message by its first field and ignores it.
		String message = NAME + "\tstartup check of instance " + origin;
		Map<String, String> refused = new LinkedHashMap<>();
		return LuaScript.loadAll(commands, CHECK).exceptionallyCompose((failure) -> {
			if (!RedisFailures.isPermissionRefused(failure)) {
				return CompletableFuture.failedFuture(failure);
			}
			refused.put("SCRIPT|LOAD", RedisFailures.describe(failure));
			return CompletableFuture.completedFuture(null);
		})
			.thenCompose((loaded) -> CHECK.run(commands, keys.of(NAME, false),
					CheckArguments.keys(keys.transitionChannel(), message).argv()))
			.thenCompose((breakerKeys) -> CHECK
				.eval(commands, new byte[][] { BreakerKeys.bytes(keys.index()) },
						CheckArguments.index(RedisBreakerStore.isCluster(commands) ? "" : keys.prefix()).argv())
				.thenApply((index) -> {
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
