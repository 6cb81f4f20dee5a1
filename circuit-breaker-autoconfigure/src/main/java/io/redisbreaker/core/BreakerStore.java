package io.redisbreaker.core;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;


/**
 * Keeps breaker state and applies the state machine's rules to it atomically. Each operation is one
 * round trip to wherever the state lives; results carry any transition the operation caused, so the
 * caller can tell listeners exactly once.
 * <p>
 * Operations are asynchronous so that reactive and {@code CompletionStage} callers never block; a
 * store whose backend fails completes the stage exceptionally.
 */
public interface BreakerStore {

	/** Decides whether one call may run; in half-open state a permitted call holds a trial permit. */
	CompletionStage<Admission> acquire(String name, CircuitBreakerConfig config, String permitId);

	/** Records how a call admitted by {@code admission} ended. */
	CompletionStage<StateChange> record(String name, CircuitBreakerConfig config, Admission admission,
			CallOutcome outcome);

	/** Applies an operator command (force open, disable, close). */
	CompletionStage<StateChange> operate(String name, OperatorCommand command, String reason);

	/** Reads state and counts without changing anything. */
	CompletionStage<CircuitSnapshot> snapshot(String name, CircuitBreakerConfig config);

	/** Adds a name to the index that lists breakers. */
	CompletionStage<Void> register(String name);

	/** The names of all breakers known to this store, from every instance. */
	CompletionStage<Set<String>> names();

	/** Completes normally when the store can be reached. */
	default CompletionStage<Void> ping() {
		return CompletableFuture.completedFuture(null);
	}

}
