package io.redisbreaker.core;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Writes the transition log. Each transition is logged once across the fleet, by the instance that
 * made it; transitions learned from other instances are logged at debug level only.
 */
public final class TransitionLogger implements TransitionListener {

	private static final Logger logger = LoggerFactory.getLogger("io.redisbreaker.transitions");

	@Override
	public void onTransition(StateTransition transition) {
		MDC.put("circuit_breaker_key", transition.circuitBreakerName());
		MDC.put("circuit_state", transition.to().name());
		try {
			if (!transition.local()) {
				logger.debug("{} [by instance {}]", transition, transition.origin());
			}
			else if (transition.to() == CircuitState.OPEN || transition.to() == CircuitState.FORCED_OPEN) {
				logger.error("{}", transition);
			}
			else {
				logger.info("{}", transition);
			}
		}
		finally {
			MDC.remove("circuit_breaker_key");
			MDC.remove("circuit_state");
		}
	}

}
