package io.redisbreaker.sample.stream;

import java.time.Instant;

import io.redisbreaker.core.CallPermit;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * The source guide's one place for failures: it records the failure on the call's permit, so the
 * breaker counts it, and then publishes an {@link ExchangeErrorEvent} for whoever reports errors.
 * Keeping both in one place is what stops a handler from publishing an error it never counted.
 */
@Component
public class ErrorDispatcher {

	private final ApplicationEventPublisher events;

	public ErrorDispatcher(ApplicationEventPublisher events) {
		this.events = events;
	}

	public void dispatch(String breaker, CallPermit permit, RuntimeException failure) {
		permit.recordFailure(failure);
		this.events.publishEvent(new ExchangeErrorEvent(breaker, String.valueOf(failure.getMessage()), Instant.now()));
	}

}
