package io.redisbreaker.core;

/**
 * The shared store cannot take an operator command now (Redis is away, or did not answer in time):
 * the command could not reach the other instances. Calls are never failed with it; the failure policy
 * decides them.
 */
public class BreakerStoreUnavailableException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	public BreakerStoreUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

	public BreakerStoreUnavailableException(String message) {
		super(message);
	}

}
