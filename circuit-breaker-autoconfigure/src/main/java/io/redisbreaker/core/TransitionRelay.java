package io.redisbreaker.core;

import java.util.Map;
import java.util.function.Predicate;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one way transitions reach this instance's listeners. A transition can arrive by several paths:
 * the reply of the operation that made it, a reply that came after the caller gave up, and the
 * transition channel (which carries this instance's own transitions too, so one whose reply was lost
 * is still heard). Each transition is told at most once, and never after a newer one of the same
 * breaker: epochs only grow, so a transition whose epoch is not newer than the last one told for its
 * breaker is a duplicate or arrived out of order, and is dropped.
 */
public final class TransitionRelay {

	private final TransitionListener listener;

	private final Map<String, Long> lastTold = new ConcurrentHashMap<>();

	public TransitionRelay(TransitionListener listener) {
		this.listener = listener;
	}

	/**
	 * Tells the listener of a transition unless it was told already or a newer one of the same breaker was.
	 * @return whether the listener was told
	 */
	public boolean tell(StateTransition transition) {
		boolean[] newer = new boolean[1];
		this.lastTold.compute(transition.circuitBreakerName(), (name, told) -> {
			newer[0] = told == null || transition.epoch() > told;
			return newer[0] ? transition.epoch() : told;
		});
		if (newer[0]) {
			this.listener.onTransition(transition);
		}
		return newer[0];
	}

	/**
	 * Forgets the breakers {@code keep} does not accept (no longer in use anywhere); a transition of
	 * one of them that arrives later is told, as for a breaker never heard of.
	 */
	public void retain(Predicate<String> keep) {
		this.lastTold.keySet().removeIf(keep.negate());
	}

	/** This relay as a listener, for the paths that take one. */
	public TransitionListener asListener() {
		return this::tell;
	}

}
