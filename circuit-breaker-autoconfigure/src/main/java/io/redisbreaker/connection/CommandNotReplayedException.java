package io.redisbreaker.connection;

import io.lettuce.core.RedisException;

/**
 * A command that Lettuce will not replay on a new connection (see {@link LettuceHardening#notReplayable}),
 * failed at once. Lettuce drops such a command without completing it, which would leave its caller
 * waiting for the command timeout.
 */
final class CommandNotReplayedException extends RedisException {

	private static final long serialVersionUID = 1L;

	private final boolean mayHaveRun;

	private CommandNotReplayedException(String message, boolean mayHaveRun) {
		super(message);
		this.mayHaveRun = mayHaveRun;
	}

	/** The connection closed before the command was written: the server never saw it. */
	static CommandNotReplayedException notSent(String command) {
		return new CommandNotReplayedException("Connection closed before " + command
				+ " was sent; it is not replayed on the new connection", false);
	}

	/** The connection was lost and the command may have been in flight: it may have run. */
	static CommandNotReplayedException mayHaveRun(String command) {
		return new CommandNotReplayedException("Connection lost with " + command
				+ " possibly in flight; it is not replayed on the new connection", true);
	}

	/** Whether the server may have run the command before the connection was lost. */
	boolean mayHaveRun() {
		return this.mayHaveRun;
	}

}
