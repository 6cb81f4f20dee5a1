package io.redisbreaker.reliability;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.redisbreaker.core.StateTransition;
import io.redisbreaker.core.TransitionListener;

/** Every transition this process was told of (its own and, by Pub/Sub, the others'), with when. */
public class TransitionLog implements TransitionListener {

	/** One heard transition; {@code nanos} is this machine's monotonic clock ({@link System#nanoTime()}). */
	public record Heard(long nanos, StateTransition transition) {

		String line() {
			StateTransition t = this.transition;
			return this.nanos + " " + t.from() + " " + t.to() + " " + t.epoch() + " " + t.local() + " " + t.origin();
		}

	}

	private final Map<String, List<Heard>> heard = new ConcurrentHashMap<>();

	@Override
	public void onTransition(StateTransition transition) {
		this.heard.computeIfAbsent(transition.circuitBreakerName(), (name) -> new CopyOnWriteArrayList<>())
			.add(new Heard(System.nanoTime(), transition));
	}

	public List<Heard> of(String breaker) {
		return this.heard.getOrDefault(breaker, List.of());
	}

}
