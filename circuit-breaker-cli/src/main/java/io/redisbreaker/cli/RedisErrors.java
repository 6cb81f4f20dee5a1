package io.redisbreaker.cli;

import io.redisbreaker.connection.RedisFailures;
import io.redisbreaker.core.Failures;
import io.redisbreaker.store.redis.BreakerAcl;
import io.redisbreaker.store.redis.BreakerKeys;

/**
 * Turns what Lettuce and the store throw into one line for the operator and the exit code a script
 * acts on: the starter's own classification ({@link RedisFailures}) decides which failures mean Redis
 * could not be asked (exit 3) and which are Redis's answer to the command (exit 4).
 */
final class RedisErrors {

	private RedisErrors() {
	}

	/** Whether the server refused the database the connection selects ({@code SELECT} out of range). */
	static boolean isMissingDatabase(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause.getMessage() != null && cause.getMessage().contains("DB index is out of range")) {
				return true;
			}
		}
		return false;
	}

	/**
	 * @param target the server, as messages name it
	 * @param keys the keys the command works on, for the ACL a refused user needs
	 */
	static CliFailure translate(Throwable failure, String target, BreakerKeys keys) {
		Throwable cause = Failures.unwrap(failure);
		if (cause instanceof CliFailure cli) {
			return cli;
		}
		String why = RedisFailures.describe(cause);
		if (RedisFailures.isCredentialsRefused(cause)) {
			return new CliFailure(ExitCodes.REDIS_UNAVAILABLE, "Redis at " + target + " refused the credentials: " + why
					+ "; expected the password (-a or REDISCLI_AUTH) and user (--user) of an account on that server",
					cause);
		}
		if (RedisFailures.isPermissionRefused(cause)) {
			return new CliFailure(ExitCodes.REDIS_UNAVAILABLE, "Redis at " + target
					+ " does not permit the command to this user: " + why
					+ "; the user needs what the applications' user has: ACL SETUSER <user> " + BreakerAcl.rules(keys), cause);
		}
		return switch (RedisFailures.classify(cause)) {
			case NOT_SENT, IN_DOUBT, REJECTED -> new CliFailure(ExitCodes.REDIS_UNAVAILABLE, "Cannot reach Redis at "
					+ target + ": " + why + "; expected a Redis server there (check -h/-p or -u, --tls, --timeout)",
					cause);
			case DENIED -> new CliFailure(ExitCodes.REDIS_UNAVAILABLE, "Redis at " + target + " refused: " + why, cause);
			case FATAL -> new CliFailure(ExitCodes.UNEXPECTED, "Redis at " + target + " answered an error: " + why, cause);
		};
	}

}
