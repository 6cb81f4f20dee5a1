package io.redisbreaker.core;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
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

	/**
	 * Merges a batch of this instance's outcomes into the state ({@link Consistency#BOUNDED}) and answers
	 * the state afterwards; an empty batch only reads it. A batch counts at most once, however often it
	 * is sent.
	 */
	CompletionStage<MergeResult> merge(String name, CircuitBreakerConfig config, OutcomeBatch batch);

	/** Applies an operator command (force open, disable, close). */
	CompletionStage<StateChange> operate(String name, OperatorCommand command, String reason);

	/** Reads state and counts without changing anything. */
	CompletionStage<CircuitSnapshot> snapshot(String name, CircuitBreakerConfig config);

	/**
	 * Lists a name in the index of breakers, unless the index already holds as many names as the store
	 * allows (fleet-wide {@code circuitbreaker.max-breakers}).
	 * @return whether the name is listed
	 */
	CompletionStage<Boolean> register(String name);

	/** The names of the breakers whose state is still alive, from every instance, sorted. */
	CompletionStage<Set<String>> names();

	/**
	 * Reads many breakers at once; a store that can sends all reads before waiting for any (the Redis
	 * store pipelines them: one round trip, not one per breaker).
	 * @param breakers the names, each with the settings to read it with
	 * @return the snapshots by name, in name order
	 */
	default CompletionStage<Map<String, CircuitSnapshot>> snapshots(Map<String, CircuitBreakerConfig> breakers) {
		Map<String, CompletableFuture<CircuitSnapshot>> reads = new TreeMap<>();
		breakers.forEach((name, config) -> reads.put(name, snapshot(name, config).toCompletableFuture()));
		return CompletableFuture.allOf(reads.values().toArray(CompletableFuture[]::new)).thenApply((done) -> {
			Map<String, CircuitSnapshot> snapshots = new TreeMap<>();
			reads.forEach((name, read) -> snapshots.put(name, read.join()));
			return snapshots;
		});
	}

	/**
	 * The recent transitions of these breakers (a bounded number per breaker), each breaker's newest
	 * first, in the order of {@code names}.
	 */
	CompletionStage<List<TransitionRecord>> history(Collection<String> names);

	/**
	 * Records the settings this instance uses for a breaker and answers those recorded before, so
	 * instances whose settings for one name differ find out.
	 * @return the settings recorded before, empty if none were
	 */
	CompletionStage<Optional<RecordedSettings>> checkSettings(String name, CircuitBreakerConfig config);

	/** Completes normally when the store can be reached. */
	default CompletionStage<Void> ping() {
		return CompletableFuture.completedFuture(null);
	}

}
