package io.redisbreaker.testsupport;

/**
 * An error reply ({@code -ERR ...}, {@code -NOAUTH ...}, ...) from a Redis server. The message is
 * the server's error text, verbatim.
 */
public class RespErrorException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public RespErrorException(String serverMessage) {
		super(serverMessage);
	}

	/** The error code: the first word of the server's text, e.g. {@code NOAUTH} or {@code ERR}. */
	public String code() {
		String message = getMessage();
		int space = message.indexOf(' ');
		return space < 0 ? message : message.substring(0, space);
	}

	@Override
	public String getMessage() {
		String message = super.getMessage();
		return message == null ? "" : message;
	}
}
