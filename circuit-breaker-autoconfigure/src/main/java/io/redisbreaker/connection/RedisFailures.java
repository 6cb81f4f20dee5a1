package io.redisbreaker.connection;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisLoadingException;
import io.lettuce.core.RedisReadOnlyException;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisConnectionFailureException;

/**
 * Sorts Redis failures by what a retry may do about them. Spring Data Redis wraps Lettuce's exceptions
 * inconsistently (a dropped connection arrives as a generic {@code RedisSystemException}), so the
 * whole cause chain is examined.
 */
public final class RedisFailures {

	/** What a failure means for a retry. */
	public enum Kind {

		/**
		 * The command never reached the server (not connected, connect refused, written after the
		 * connection closed): always safe to retry.
		 */
		NOT_SENT,

		/**
		 * The server refused the command without running it (READONLY after a failover, LOADING, BUSY):
		 * safe to retry, after a connection reset in the READONLY case.
		 */
		REJECTED,

		/**
		 * The connection failed or timed out with the command in flight: it may have run, so only
		 * idempotent commands are retried.
		 */
		IN_DOUBT,

		/** Credentials or permissions were refused: a configuration error no retry can fix. */
		DENIED,

		/** Anything else, such as WRONGTYPE or a script error: the command's own failure, not retried. */
		FATAL

	}

	private RedisFailures() {
	}

	/**
	 * The failure inside {@link java.util.concurrent.CompletionException} and
	 * {@link java.util.concurrent.ExecutionException} wrappers, as asynchronous stages report it.
	 */
	public static Throwable unwrap(Throwable failure) {
		Throwable current = failure;
		while ((current instanceof java.util.concurrent.CompletionException
				|| current instanceof java.util.concurrent.ExecutionException) && current.getCause() != null) {
			current = current.getCause();
		}
		return current;
	}

	public static Kind classify(Throwable failure) {
		for (@Nullable Throwable cause = failure; cause != null; cause = next(cause)) {
			if (isDenied(cause)) {
				return Kind.DENIED;
			}
		}
		for (@Nullable Throwable cause = failure; cause != null; cause = next(cause)) {
			if (cause instanceof CommandNotReplayedException notReplayed) {
				return notReplayed.mayHaveRun() ? Kind.IN_DOUBT : Kind.NOT_SENT;
			}
			if (cause instanceof RedisCommandExecutionException) {
				return isRejection(cause) ? Kind.REJECTED : Kind.FATAL;
			}
			if (cause instanceof RedisConnectionFailureException || cause instanceof RedisConnectionException) {
				return Kind.NOT_SENT;
			}
			if (cause instanceof RedisCommandTimeoutException || cause instanceof QueryTimeoutException
					|| cause instanceof IOException) {
				return Kind.IN_DOUBT;
			}
			if (cause instanceof RedisException && cause.getMessage() != null) {
				String message = cause.getMessage().toLowerCase(Locale.ROOT);
				if (message.contains("currently not connected")) {
					return Kind.NOT_SENT;
				}
				if (message.contains("connection closed") || message.contains("connection disconnected")
						|| message.contains("connection reset")) {
					return Kind.IN_DOUBT;
				}
			}
		}
		return Kind.FATAL;
	}

	/** Whether a retry is safe: for commands that may have run, only if they are idempotent. */
	public static boolean isRetryable(Throwable failure, boolean idempotent) {
		return switch (classify(failure)) {
			case NOT_SENT, REJECTED -> true;
			case IN_DOUBT -> idempotent;
			case DENIED, FATAL -> false;
		};
	}

	/** The server is a replica now: the connection must be re-established to reach the master. */
	public static boolean isReadOnly(Throwable failure) {
		for (@Nullable Throwable cause = failure; cause != null; cause = next(cause)) {
			// Before Redis 7 a write inside a script reports READONLY inside a script error.
			if (cause instanceof RedisReadOnlyException
					|| (cause.getMessage() != null && cause.getMessage().contains(READONLY))) {
				return true;
			}
		}
		return false;
	}

	private static final String READONLY = "READONLY You can't write against a read only replica";

	/**
	 * Error replies for commands the server did not run and would run later: the server is loading,
	 * a script blocks it ({@code BUSY}, not {@code BUSYGROUP} or {@code BUSYKEY}, which are the
	 * command's own errors), a cluster slot is moving or down, or the server is a replica now.
	 */
	private static boolean isRejection(Throwable cause) {
		String message = (cause.getMessage() != null) ? cause.getMessage() : "";
		return cause instanceof RedisReadOnlyException || cause instanceof RedisLoadingException
				|| message.contains(READONLY) || message.startsWith("LOADING ") || message.startsWith("BUSY ")
				|| message.startsWith("TRYAGAIN ") || message.startsWith("CLUSTERDOWN ")
				|| message.startsWith("MASTERDOWN ");
	}

	/** A command timed out: the connection may be silently dead, which Lettuce does not notice. */
	public static boolean isTimeout(Throwable failure) {
		return find(failure, RedisCommandTimeoutException.class) || find(failure, QueryTimeoutException.class);
	}

	static boolean isDenied(Throwable cause) {
		return isCredentialsMessage(cause) || isPermissionMessage(cause);
	}

	/**
	 * Whether Redis refused the credentials ({@code WRONGPASS}, {@code NOAUTH}): the username or
	 * password is wrong or missing, as opposed to a user who may not run a command.
	 */
	public static boolean isCredentialsRefused(Throwable failure) {
		for (@Nullable Throwable cause = failure; cause != null; cause = next(cause)) {
			if (isCredentialsMessage(cause)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether the ACL of an authenticated user refused a command, key or channel: {@code NOPERM} for a
	 * command sent directly, and for one a script runs {@code ERR The user executing the script can't
	 * ...} (Redis 6.2 and 7.0) or {@code ERR ACL failure in script: ...} (Redis 7.2 and later).
	 */
	public static boolean isPermissionRefused(Throwable failure) {
		for (@Nullable Throwable cause = failure; cause != null; cause = next(cause)) {
			if (isPermissionMessage(cause)) {
				return true;
			}
		}
		return false;
	}

	private static boolean isCredentialsMessage(Throwable cause) {
		String message = cause.getMessage();
		return message != null && (message.contains("WRONGPASS") || message.contains("NOAUTH")
				|| message.contains("invalid username-password pair"));
	}

	private static boolean isPermissionMessage(Throwable cause) {
		String message = cause.getMessage();
		return message != null && (message.contains("NOPERM") || message.contains("The user executing the script can't")
				|| message.contains("ACL failure in script"));
	}

	/**
	 * What went wrong, for a log line: the message of the innermost cause, which names the actual
	 * problem ({@code Connection refused: localhost/127.0.0.1:6390}, {@code WRONGPASS ...}) where the
	 * wrappers around it only say "Unable to connect to Redis". A cause without a message is named by
	 * its type ({@code TimeoutException}).
	 */
	public static String describe(@Nullable Throwable failure) {
		if (failure == null) {
			return "unknown cause";
		}
		List<Throwable> chain = new ArrayList<>();
		for (@Nullable Throwable cause = failure; cause != null && chain.size() < 20; cause = next(cause)) {
			chain.add(cause);
		}
		int innermost = chain.size() - 1;
		// Netty's "Connection refused: localhost/127.0.0.1:6390" wraps the JDK's bare "Connection refused".
		while (innermost > 0 && message(chain.get(innermost - 1)).startsWith(message(chain.get(innermost)))
				&& !message(chain.get(innermost)).isEmpty()) {
			innermost--;
		}
		Throwable cause = chain.get(innermost);
		String message = message(cause);
		return !message.isBlank() ? message : cause.getClass().getSimpleName();
	}

	private static String message(Throwable failure) {
		return (failure.getMessage() != null) ? failure.getMessage() : "";
	}

	private static boolean find(Throwable failure, Class<? extends Throwable> type) {
		for (@Nullable Throwable cause = failure; cause != null; cause = next(cause)) {
			if (type.isInstance(cause)) {
				return true;
			}
		}
		return false;
	}

	private static @Nullable Throwable next(Throwable cause) {
		return (cause.getCause() != cause) ? cause.getCause() : null;
	}

}
