package io.redisbreaker.core;

import java.util.List;

import org.apache.commons.logging.LogFactory;

/**
 * Told of every state transition: those this instance made and those other instances made.
 */
@FunctionalInterface
public interface TransitionListener {

	void onTransition(StateTransition transition);

	static TransitionListener noop() {
		return (transition) -> {
		};
	}

	/** Tells each listener in turn; one listener failing does not keep the others from hearing. */
	static TransitionListener composite(List<? extends TransitionListener> listeners) {
		List<TransitionListener> all = List.copyOf(listeners);
		return (transition) -> {
			for (TransitionListener listener : all) {
				try {
					listener.onTransition(transition);
				}
				catch (RuntimeException ex) {
					LogFactory.getLog(TransitionListener.class).warn("Transition listener failed for " + transition, ex);
				}
			}
		};
	}

}
