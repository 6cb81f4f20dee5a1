package io.redisbreaker.core;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Helpers for exceptions that reach the breaker through asynchronous plumbing.
 */
public final class Failures {

	private Failures() {
	}

	/** The failure inside {@link CompletionException} and {@link ExecutionException} wrappers. */
	public static Throwable unwrap(Throwable failure) {
		Throwable current = failure;
		while ((current instanceof CompletionException || current instanceof ExecutionException)
				&& current.getCause() != null) {
			current = current.getCause();
		}
		return current;
	}

}
