package io.redisbreaker.core;

/**
 * Outcomes of one instance's calls of one breaker, counted locally and merged into the shared state
 * as a unit ({@link Consistency#BOUNDED}). A batch without calls only reads the shared state.
 * <p>
 * The consecutive-failure rule merges a batch as a whole: a batch with a success ends the shared run
 * of failures and starts a new one of its {@code trailingFailures}; a batch of failures only extends
 * the run. Rates are exact once merged.
 *
 * @param epoch the epoch the calls were admitted in; a batch of another epoch counts nothing
 * @param sequence increases with every batch this instance sends for the breaker, so a batch sent
 * twice (a retry after a lost reply) counts once
 * @param calls calls that ended (ignored outcomes are not counted)
 * @param failures of those, recorded failures (the failure rate's)
 * @param slow of those, slow calls, successful or not (the slow-call rate's)
 * @param trailingFailures calls that count against the run of failures (failures and slow calls) since
 * the batch's last success; all of them when it had none
 * @param hadSuccess whether any call of the batch succeeded without being slow (which ends the run)
 */
public record OutcomeBatch(long epoch, long sequence, long calls, long failures, long slow, long trailingFailures,
		boolean hadSuccess) {

	/** A batch that counts nothing and only reads the shared state. */
	public static OutcomeBatch read(long epoch, long sequence) {
		return new OutcomeBatch(epoch, sequence, 0, 0, 0, 0, false);
	}

	/** Whether the batch only reads: no calls, and no success that ends the shared run. */
	public boolean isEmpty() {
		return this.calls == 0 && !this.hadSuccess;
	}

}
