package io.redisbreaker.sample.exchange;

/**
 * An exchange call failed: the exchange refused, failed or did not answer within the client's timeout.
 */
public class ExchangeUnavailableException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public ExchangeUnavailableException(String message) {
		super(message);
	}

}
