package io.redisbreaker.event;

import io.redisbreaker.core.StateTransition;
import io.redisbreaker.core.TransitionListener;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Turns transitions into {@link CircuitBreakerTransitionEvent}s.
 */
public final class ApplicationEventTransitionListener implements TransitionListener {

	private final ApplicationEventPublisher publisher;

	public ApplicationEventTransitionListener(ApplicationEventPublisher publisher) {
		this.publisher = publisher;
	}

	@Override
	public void onTransition(StateTransition transition) {
		this.publisher.publishEvent(new CircuitBreakerTransitionEvent(this, transition));
	}

}
