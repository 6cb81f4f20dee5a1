package io.redisbreaker.core;

import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * Helpers for exceptions that reach the breaker through asynchronous plumbing.
 */
public final class Failures {

	private Failures() {
	}

	/**
	 * Waits for a stage and throws what failed it as it was thrown, not wrapped in a
	 * {@link CompletionException}, so callers of the blocking API see the breaker's own exceptions.
	 */
	public static <T> T join(CompletionStage<T> stage) {
		try {
			return stage.toCompletableFuture().join();
		}
		catch (CompletionException ex) {
			Throwable cause = unwrap(ex);
			if (cause instanceof RuntimeException runtime) {
				throw runtime;
			}
			if (cause instanceof Error error) {
				throw error;
			}
			throw ex;
		}
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
