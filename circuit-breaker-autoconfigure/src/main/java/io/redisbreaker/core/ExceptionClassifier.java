package io.redisbreaker.core;

import java.util.List;

/**
 * Decides what an exception means for the breaker. Ignored exceptions win over recorded ones, so a
 * narrow ignore entry can carve an exception out of a broad record entry.
 *
 * @param recorded exception classes that count as failures; empty means every exception not ignored
 * @param ignored exception classes that count neither as failure nor as success
 */
public record ExceptionClassifier(List<Class<? extends Throwable>> recorded, List<Class<? extends Throwable>> ignored) {

	public ExceptionClassifier {
		recorded = List.copyOf(recorded);
		ignored = List.copyOf(ignored);
	}

	/** What one exception counts as. */
	public enum Verdict {

		/** Counts against the breaker. */
		FAILURE,

		/** Not a failure in the breaker's sense (for example a validation error): counts as a success. */
		SUCCESS,

		/** Counts neither way; a trial permit is given back. */
		IGNORE

	}

	public Verdict classify(Throwable failure) {
		if (matches(this.ignored, failure)) {
			return Verdict.IGNORE;
		}
		if (this.recorded.isEmpty() || matches(this.recorded, failure)) {
			return Verdict.FAILURE;
		}
		return Verdict.SUCCESS;
	}

	private static boolean matches(List<Class<? extends Throwable>> types, Throwable failure) {
		for (Class<? extends Throwable> type : types) {
			if (type.isInstance(failure)) {
				return true;
			}
		}
		return false;
	}

	@Override
	public String toString() {
		return "recordExceptions=" + this.recorded + ", ignoreExceptions=" + this.ignored;
	}

}
