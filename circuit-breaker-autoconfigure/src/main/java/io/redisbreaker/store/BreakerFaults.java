package io.redisbreaker.store;

import java.util.Map;
import java.util.function.Predicate;
import java.util.concurrent.ConcurrentHashMap;

import io.lettuce.core.RedisCommandExecutionException;
import io.redisbreaker.connection.RedisFailures;
import io.redisbreaker.core.Failures;
import io.redisbreaker.store.redis.ScriptReplyException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Tells one broken breaker apart from a broken Redis. A Redis that answers with an error about one
 * breaker's keys (a key of the wrong type, a field that is not a number, a state no script knows, a
 * reply that does not parse) is healthy: only that breaker falls back to the failure policy, and it
 * is logged once, with the keys and the command that repairs them, until it works again.
 */
final class BreakerFaults {

	private static final Log logger = LogFactory.getLog(BreakerFaults.class);

	private final Map<String, String> broken = new ConcurrentHashMap<>();

	private final Repair repair;

	/** Says how an operator repairs a breaker's keys. */
	@FunctionalInterface
	interface Repair {

		String command(String name);

	}

	BreakerFaults(Repair repair) {
		this.repair = repair;
	}

	/**
	 * Whether a failure concerns one breaker rather than Redis: an error reply Redis gave for a command
	 * it ran (not a refusal such as READONLY, LOADING or NOPERM, nor a lost connection or a timeout), or
	 * an answer this side could not read.
	 */
	static boolean concernsOneBreaker(Throwable failure) {
		Throwable cause = Failures.unwrap(failure);
		if (cause instanceof ScriptReplyException) {
			return true;
		}
		return RedisFailures.classify(cause) == RedisFailures.Kind.FATAL && isErrorReply(cause)
				&& !isServerWide(cause);
	}

	/** Errors about the server as a whole (or its topology), whichever key a command touches. */
	static boolean isServerWide(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause.getMessage() != null && isServerWide(cause.getMessage())) {
				return true;
			}
		}
		return false;
	}

	private static boolean isServerWide(String message) {
		return message.startsWith("OOM ") || message.startsWith("MISCONF ") || message.startsWith("NOREPLICAS ")
				|| message.contains("-OOM ") || message.contains("OOM command not allowed")
				|| message.startsWith("MOVED ") || message.startsWith("ASK ") || message.startsWith("CROSSSLOT ")
				|| message.contains("ERR max number of clients");
	}

	private static boolean isErrorReply(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause instanceof RedisCommandExecutionException) {
				return true;
			}
		}
		return false;
	}

	/** The breaker's keys could not be used; logged once until it works again. */
	void failed(String name, Throwable failure) {
		String reason = Failures.unwrap(failure).getMessage();
		if (this.broken.putIfAbsent(name, String.valueOf(reason)) == null) {
			String text = String.valueOf(reason);
			// Deleting keys repairs a key the scripts cannot read, not a script that fails by itself.
			String action = (text.contains("BREAKER_CORRUPT") || text.contains("WRONGTYPE"))
					? " To start it afresh, delete its keys: " + this.repair.command(name) : "";
			logger.warn("Circuit breaker '" + name + "' cannot use its state in Redis (" + reason
					+ "); the failure policy decides for this breaker only." + action);
		}
	}

	/** The breaker's keys worked. */
	int count() {
		return this.broken.size();
	}

	/** Keeps only the breakers {@code keep} accepts. */
	void retain(Predicate<String> keep) {
		this.broken.keySet().removeIf(keep.negate());
	}

	void worked(String name) {
		if (!this.broken.isEmpty() && this.broken.remove(name) != null) {
			logger.info("Circuit breaker '" + name + "' uses its state in Redis again");
		}
	}

	boolean isBroken(String name) {
		return !this.broken.isEmpty() && this.broken.containsKey(name);
	}

}
