package io.redisbreaker.cli;

/**
 * A failure the operator is told about in one line on standard error, ending the command with its
 * {@linkplain ExitCodes exit code}; no stack trace, since the message names the input and what was expected.
 */
final class CliFailure extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final int exitCode;

	CliFailure(int exitCode, String message) {
		super(message);
		this.exitCode = exitCode;
	}

	CliFailure(int exitCode, String message, Throwable cause) {
		super(message, cause);
		this.exitCode = exitCode;
	}

	int exitCode() {
		return this.exitCode;
	}

}
