package io.redisbreaker.store.memory;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

import io.redisbreaker.core.CallOutcome;
import io.redisbreaker.core.CircuitBreakerConfig;
import io.redisbreaker.core.CircuitSnapshot;
import io.redisbreaker.core.CircuitState;
import io.redisbreaker.core.Admission;
import io.redisbreaker.core.BreakerStore;
import io.redisbreaker.core.MergeResult;
import io.redisbreaker.core.OperatorCommand;
import io.redisbreaker.core.OutcomeBatch;
import io.redisbreaker.core.RecordedSettings;
import io.redisbreaker.core.StateChange;
import io.redisbreaker.core.TransitionRecord;
import org.jspecify.annotations.Nullable;

/**
 * Breaker state kept in this JVM, following the same rules as the Redis scripts. It is the fallback
 * while Redis cannot be reached, so its results complete immediately and it never fails.
 */
public final class InMemoryBreakerStore implements BreakerStore {

	private final Map<String, BreakerStateMachine> breakers = new ConcurrentHashMap<>();

	private final InstantSource clock;

	private final String instanceId;

	/** The last epoch handed out; it outlives {@link #clear()}, so epochs never repeat for a name. */
	private final AtomicLong lastEpoch = new AtomicLong();

	public InMemoryBreakerStore(String instanceId) {
		this(instanceId, InstantSource.system());
	}

	public InMemoryBreakerStore(String instanceId, InstantSource clock) {
		this.instanceId = instanceId;
		this.clock = clock;
	}

	@Override
	public CompletionStage<Admission> acquire(String name, CircuitBreakerConfig config, String permitId) {
		return done(breaker(name).acquire(config, permitId, now()));
	}

	@Override
	public CompletionStage<StateChange> record(String name, CircuitBreakerConfig config, Admission admission,
			CallOutcome outcome) {
		return done(breaker(name).record(config, admission.epoch(), admission.permitId(), outcome, now()));
	}

	@Override
	public CompletionStage<MergeResult> merge(String name, CircuitBreakerConfig config, OutcomeBatch batch) {
		return done(breaker(name).merge(config, batch, now()));
	}

	/**
	 * Merges a batch under whatever epoch the local breaker is in: for calls the shared state admitted
	 * whose outcomes could not reach it.
	 */
	public MergeResult mergeUnfenced(String name, CircuitBreakerConfig config, OutcomeBatch batch) {
		return breaker(name).mergeUnfenced(config, batch, now());
	}

	/**
	 * Records an outcome under whatever epoch the local breaker is in: for calls that another store
	 * admitted and whose outcome could not reach it.
	 */
	public StateChange recordUnfenced(String name, CircuitBreakerConfig config, CallOutcome outcome) {
		return breaker(name).recordUnfenced(config, outcome, now());
	}

	@Override
	public CompletionStage<StateChange> operate(String name, OperatorCommand command, String reason) {
		return done(breaker(name).operate(command, reason, now()));
	}

	@Override
	public CompletionStage<CircuitSnapshot> snapshot(String name, CircuitBreakerConfig config) {
		return done(breaker(name).snapshot(config, now()));
	}

	/** Always lists the name: the limit on names is the shared store's and the registry's. */
	@Override
	public CompletionStage<Boolean> register(String name) {
		breaker(name);
		return done(true);
	}

	@Override
	public CompletionStage<Set<String>> names() {
		return done(new TreeSet<>(this.breakers.keySet()));
	}

	@Override
	public CompletionStage<List<TransitionRecord>> history(Collection<String> names) {
		List<TransitionRecord> history = new ArrayList<>();
		for (String name : names) {
			BreakerStateMachine breaker = this.breakers.get(name);
			if (breaker != null) {
				history.addAll(breaker.history());
			}
		}
		return done(history);
	}

	/** Nothing to compare with: only this instance uses this store. */
	@Override
	public CompletionStage<Optional<RecordedSettings>> checkSettings(String name, CircuitBreakerConfig config) {
		return done(Optional.empty());
	}

	/** Keeps only the breakers {@code keep} accepts, forgetting the others. */
	public void retain(Predicate<String> keep) {
		this.breakers.keySet().removeIf(keep.negate());
	}

	/**
	 * Starts a breaker in the state the shared store last showed for it, unless this store already has
	 * it: when Redis drops out, the local breaker takes over where the shared one was, instead of
	 * starting closed and letting traffic through a breaker that is open fleet-wide. It continues from
	 * the shared store's epoch, so the transitions it makes are newer than every one seen before.
	 * @param openFor for an open breaker, the time it has left
	 */
	public void seed(String name, CircuitState state, long epoch, @Nullable Duration openFor) {
		// A seeded machine counts on from the shared epoch, never from this JVM's clock: its transitions
		// must stay older than the next ones the shared store makes (Redis time), whatever the clocks say.
		this.breakers.computeIfAbsent(name, (key) -> new BreakerStateMachine(key, this.instanceId, (e) -> e + 1)
			.seed(state, epoch, (openFor != null) ? now() + openFor.toMillis() : 0));
	}

	/** Visits each breaker that is open right now, with the time it has left. */
	public void forEachOpen(BiConsumer<String, Duration> action) {
		long now = now();
		this.breakers.forEach((name, breaker) -> {
			Duration left = breaker.remainingOpen(now);
			if (left != null) {
				action.accept(name, left);
			}
		});
	}

	/** Forgets every breaker, for when the shared store rules again. */
	public void clear() {
		this.breakers.clear();
	}

	private BreakerStateMachine breaker(String name) {
		return this.breakers.computeIfAbsent(name, (key) -> new BreakerStateMachine(key, this.instanceId, this::nextEpoch));
	}

	/**
	 * As common.lua's {@code next_epoch()}: at least the clock in microseconds, so epochs also grow
	 * across restarts, and above every epoch this store handed out, so they grow across {@link #clear()}.
	 */
	private long nextEpoch(long current) {
		Instant now = this.clock.instant();
		long micros = now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
		return this.lastEpoch.updateAndGet((last) -> Math.max(Math.max(last, current) + 1, micros));
	}

	private long now() {
		return this.clock.millis();
	}

	private static <T> CompletionStage<T> done(T value) {
		return CompletableFuture.completedFuture(value);
	}

}
