package io.redisbreaker.event;

import io.redisbreaker.core.StateTransition;
import org.springframework.context.ApplicationEvent;

/**
 * Published on every state transition of every breaker, whichever instance made it. Transitions made
 * by another instance arrive through Redis Pub/Sub, so they are published a moment later, and not at
 * all while Pub/Sub is disconnected; {@link StateTransition#local()} tells the two apart.
 */
public class CircuitBreakerTransitionEvent extends ApplicationEvent {

	private static final long serialVersionUID = 1L;

	private final transient StateTransition transition;

	public CircuitBreakerTransitionEvent(Object source, StateTransition transition) {
		super(source);
		this.transition = transition;
	}

	public StateTransition getTransition() {
		return this.transition;
	}

	@Override
	public String toString() {
		return "CircuitBreakerTransitionEvent[" + this.transition + (this.transition.local() ? "" : ", remote") + "]";
	}

}
