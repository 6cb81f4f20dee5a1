package io.redisbreaker.cli;

/**
 * The exit codes scripts can rely on. Each failure has one code whatever command hit it, so a script
 * can tell "the breaker is not there" (nothing to do, or a typo) from "Redis could not be asked"
 * (retry, or page someone) without reading messages.
 */
public final class ExitCodes {

	/** The command did what it was asked. */
	public static final int OK = 0;

	/**
	 * No instance uses a breaker of that name (it is neither listed nor stored under the prefix); the
	 * command created nothing.
	 */
	public static final int UNKNOWN_BREAKER = 1;

	/** The command line is wrong: an unknown option, a missing or malformed value, an invalid name. */
	public static final int USAGE = 2;

	/**
	 * Redis could not be asked: unreachable, timed out, refused the credentials, or refused a command
	 * to the user's ACL.
	 */
	public static final int REDIS_UNAVAILABLE = 3;

	/** Redis answered something unexpected (a script error, a key of another type): a bug or a stranger's key. */
	public static final int UNEXPECTED = 4;

	private ExitCodes() {
	}

}
