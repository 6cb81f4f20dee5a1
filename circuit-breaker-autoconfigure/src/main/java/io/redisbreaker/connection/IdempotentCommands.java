package io.redisbreaker.connection;

import java.lang.reflect.Method;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.connection.RedisStringCommands.SetOption;
import org.springframework.data.redis.connection.SetCondition;

/**
 * Which Spring Data Redis connection methods may run twice without changing the result, data and reply
 * alike. A method not listed here is treated as not idempotent: increments, pushes, pops, publishes,
 * scripts, transactions, raw commands, {@code SET NX/XX}, renames, and writes whose reply counts what
 * changed (DEL, SADD, HSET...). A call that may already have reached the server is retried only if all
 * its commands are listed.
 */
final class IdempotentCommands {

	private static final Set<String> IDEMPOTENT = Set.of(
			// reads
			"get", "mGet", "getRange", "strLen", "getBit", "bitCount", "bitPos", "exists", "type", "ttl", "pTtl",
			"keys", "scan", "randomKey", "dump", "dbSize", "ping", "echo", "time", "info", "hGet", "hMGet",
			"hGetAll", "hKeys", "hVals", "hLen", "hExists", "hStrLen", "hScan", "hRandField",
			"hRandFieldWithValues", "lRange", "lLen", "lIndex", "lPos", "sMembers", "sIsMember", "sMIsMember",
			"sCard", "sRandMember", "sScan", "sDiff", "sInter", "sUnion", "zRange", "zRangeWithScores",
			"zRevRange", "zRevRangeWithScores", "zRangeByScore", "zRangeByScoreWithScores", "zRevRangeByScore",
			"zRevRangeByScoreWithScores", "zRangeByLex", "zRevRangeByLex", "zScore", "zMScore", "zCard", "zCount",
			"zLexCount", "zRank", "zRevRank", "zScan", "zRandMember", "zRandMemberWithScore", "pfCount", "geoPos",
			"geoDist", "geoHash", "geoRadius", "geoRadiusByMember", "geoSearch", "xRange", "xRevRange", "xLen",
			"xInfo", "xInfoStream", "xInfoGroups", "xInfoConsumers", "xPending", "encodingOf", "idletime",
			"refcount", "getClientName", "hTtl", "hpTtl",
			// writes whose second run leaves the same data and gives the same reply (DEL, SADD, HSET and
			// the like converge too, but report 0 the second time: "did I add it?" would be answered wrong)
			"set", "setEx", "pSetEx", "mSet", "hMSet", "expire", "pExpire", "expireAt", "pExpireAt", "setRange",
			"lSet", "select");

	/** Blocking commands wait on purpose; their timeouts say nothing about the connection. */
	private static final Set<String> BLOCKING = Set.of("bLPop", "bRPop", "bRPopLPush", "bLMove", "bZPopMin",
			"bZPopMax", "xRead", "xReadGroup");

	/** Methods that only manage the connection and send nothing. */
	private static final Set<String> LOCAL = Set.of("close", "isClosed", "getNativeConnection", "isQueueing",
			"isPipelined", "openPipeline", "closePipeline", "getSentinelConnection", "toString", "hashCode", "equals",
			"getClusterConnection");

	private IdempotentCommands() {
	}

	/** Whether invoking the method sends nothing to Redis. */
	static boolean isLocal(Method method) {
		return LOCAL.contains(method.getName()) || isCommandGroup(method);
	}

	/** {@code stringCommands()}, {@code keyCommands()}, ... and {@code commands()}: accessors, not commands. */
	static boolean isCommandGroup(Method method) {
		String name = method.getName();
		return method.getParameterCount() == 0 && method.getReturnType().isInterface()
				&& (name.equals("commands") || name.endsWith("Commands"));
	}

	static boolean isBlocking(Method method) {
		return BLOCKING.contains(method.getName());
	}

	static boolean isIdempotent(Method method, @Nullable Object[] args) {
		String name = method.getName();
		if (!IDEMPOTENT.contains(name)) {
			return false;
		}
		if (name.equals("set") && args != null) {
			for (Object arg : args) {
				if (arg instanceof SetOption option && option != SetOption.UPSERT) {
					return false;
				}
				if (arg instanceof SetCondition condition && (condition.getKeyCondition() != SetCondition.KeyCondition.UPSERT
						|| condition.getCompareCondition() != null)) {
					return false;
				}
			}
		}
		return true;
	}

}
