package io.redisbreaker.store;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

import io.redisbreaker.core.StateChange;
import io.redisbreaker.core.Admission;
import io.redisbreaker.core.CircuitBreakerConfig;
import io.redisbreaker.core.CircuitState;
import io.redisbreaker.core.StateTransition;
import org.jspecify.annotations.Nullable;

/**
 * The shared state of each breaker as this instance last saw it: from its own operations' replies and
 * from other instances' transitions. When Redis drops out, the local breaker starts from here instead
 * of from CLOSED, so an outage cannot let traffic through a breaker that is open fleet-wide. Only a
 * newer epoch replaces what was seen. Times are this JVM's monotonic clock, computed from the time
 * Redis said was left, so instance wall clocks decide nothing.
 */
final class LastSeenStates {

	/** How a local breaker starts: its state, its epoch, and for an open one the time it has left. */
	record Start(CircuitState state, long epoch, @Nullable Duration openFor) {
	}

	/**
	 * @param forgotten the epoch last seen before the state was lost: what arrives late of that epoch or
	 * an earlier one (a reply, a Pub/Sub message) is history and must not come back
	 */
	private record Seen(CircuitState state, long epoch, long openUntilNanos, long forgotten) {

		Seen(CircuitState state, long epoch, long openUntilNanos) {
			this(state, epoch, openUntilNanos, 0);
		}

	}

	private final Map<String, Seen> seen = new ConcurrentHashMap<>();

	private final BiConsumer<String, CircuitState> lost;

	/**
	 * @param lost told of a breaker last seen in {@code state} (not closed) that Redis now answers for
	 * without any state: its keys were deleted or lost (FLUSHALL, a failover to an empty replica), since
	 * no state but CLOSED expires on its own
	 */
	LastSeenStates(BiConsumer<String, CircuitState> lost) {
		this.lost = lost;
	}

	LastSeenStates() {
		this((name, state) -> {
		});
	}

	/** What Redis answered to an operation; a breaker found without state (epoch 0) replaces what was seen. */
	void remember(String name, Admission admission) {
		long openUntil = (admission.state() == CircuitState.OPEN && admission.retryAfter() != null)
				? System.nanoTime() + admission.retryAfter().toNanos() : 0;
		remember(name, admission.state(), admission.epoch(), openUntil, true);
	}

	/** What Redis answered to an operation; a breaker found without state (epoch 0) replaces what was seen. */
	void remember(String name, StateChange change) {
		remember(name, change.state(), change.epoch(), 0, true);
	}

	/** A transition heard from elsewhere: only a newer one replaces what was seen. */
	void remember(StateTransition transition) {
		remember(transition.circuitBreakerName(), transition.to(), transition.epoch(), 0, false);
	}

	private void remember(String name, CircuitState state, long epoch, long openUntilNanos, boolean answer) {
		if (epoch < 0) {
			return;
		}
		Seen known = this.seen.get(name);
		if (known != null && known.epoch() == epoch && known.state() == state
				&& (known.openUntilNanos() != 0 || openUntilNanos == 0)) {
			// The common case, once per call: nothing new.
			return;
		}
		CircuitState[] lostState = new CircuitState[1];
		this.seen.compute(name, (key, before) -> {
			// Epoch 0 is a breaker without stored state: its keys were deleted or lost, so what was seen
			// before is gone too.
			if (before != null && answer && epoch == 0 && before.epoch() > 0) {
				lostState[0] = (before.state() != CircuitState.CLOSED) ? before.state() : null;
				return new Seen(state, epoch, openUntilNanos, before.epoch());
			}
			if (before != null && epoch > 0 && epoch <= before.forgotten()) {
				return before;
			}
			if (before == null || epoch > before.epoch()) {
				return new Seen(state, epoch, openUntilNanos);
			}
			if (epoch == before.epoch() && before.openUntilNanos() == 0 && openUntilNanos != 0) {
				return new Seen(state, epoch, openUntilNanos);
			}
			return before;
		});
		if (lostState[0] != null) {
			this.lost.accept(name, lostState[0]);
		}
	}

	/**
	 * Where a local breaker starts during an outage that began at {@code outageStartNanos}, or
	 * {@code null} to start fresh. A breaker last seen OPEN or HALF_OPEN admits no trial call of its own
	 * until both its open time and a full open timeout counted from the start of the outage have passed:
	 * the shared trial calls may still be running on other instances, and a short outage must not add
	 * this instance's trials to theirs.
	 */
	@Nullable Start startFor(String name, CircuitBreakerConfig config, long outageStartNanos) {
		Seen last = this.seen.get(name);
		if (last == null) {
			return null;
		}
		return switch (last.state()) {
			case CLOSED -> new Start(CircuitState.CLOSED, last.epoch(), null);
			case FORCED_OPEN, DISABLED -> new Start(last.state(), last.epoch(), null);
			case OPEN, HALF_OPEN -> {
				long now = System.nanoTime();
				long until = Math.max(last.openUntilNanos(), outageStartNanos + config.getOpenTimeout().toNanos());
				yield new Start(CircuitState.OPEN, last.epoch(), Duration.ofNanos(Math.max(0, until - now)));
			}
		};
	}

	/** Keeps only the breakers {@code keep} accepts. */
	void retain(Predicate<String> keep) {
		this.seen.keySet().removeIf(keep.negate());
	}

	/** The epoch last seen of every breaker, as of now. */
	Map<String, Long> epochs() {
		Map<String, Long> epochs = new HashMap<>();
		this.seen.forEach((name, last) -> epochs.put(name, last.epoch()));
		return epochs;
	}

}
