package io.redisbreaker.actuate;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

import io.redisbreaker.core.BreakerNames;
import io.redisbreaker.core.BreakerStore;
import io.redisbreaker.core.CircuitBreakerRegistry;
import io.redisbreaker.core.Failures;
import io.redisbreaker.core.TransitionRecord;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * {@code /actuator/circuitbreakerevents}: the fleet's recent transitions, newest first, as Redis keeps
 * them: the last 50 per breaker, each written once by the script that made the transition.
 */
@Endpoint(id = "circuitbreakerevents")
public class CircuitBreakerEventsEndpoint {

	private static final Comparator<TransitionRecord> NEWEST_FIRST = Comparator
		.comparing(TransitionRecord::at, Comparator.reverseOrder())
		.thenComparing(TransitionRecord::epoch, Comparator.reverseOrder());

	private final CircuitBreakerRegistry registry;

	private final BreakerStore store;

	public CircuitBreakerEventsEndpoint(CircuitBreakerRegistry registry, BreakerStore store) {
		this.registry = registry;
		this.store = store;
	}

	/**
	 * The recent transitions of every breaker of the fleet.
	 * @param limit at most this many, the newest ({@code ?limit=100}); all that Redis keeps when absent
	 */
	@ReadOperation
	public CircuitBreakerEvents events(@Nullable Integer limit) {
		return read(this.registry.getFleetNames(), limit);
	}

	/**
	 * The recent transitions of one breaker (none for a breaker nobody used).
	 * @param limit at most this many, the newest; all that Redis keeps when absent
	 */
	@ReadOperation
	public CircuitBreakerEvents events(@Selector(match = Selector.Match.ALL_REMAINING) String[] name,
			@Nullable Integer limit) {
		String breaker = String.join("/", name);
		try {
			BreakerNames.validate(breaker);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEndpointRequestException("Invalid circuit breaker name '" + breaker + "': "
					+ ex.getMessage(), "Invalid circuit breaker name");
		}
		return read(Set.of(breaker), limit);
	}

	private CircuitBreakerEvents read(Set<String> names, @Nullable Integer limit) {
		if (limit != null && limit < 1) {
			throw new InvalidEndpointRequestException("Invalid limit " + limit + ": expected at least 1",
					"Invalid limit");
		}
		List<CircuitBreakerEvent> events = Failures.join(this.store.history(names))
			.stream()
			.sorted(NEWEST_FIRST)
			.limit((limit != null) ? limit : Long.MAX_VALUE)
			.map(CircuitBreakerEvent::of)
			.toList();
		return new CircuitBreakerEvents(events);
	}

	/** @param circuitBreakerEvents newest first */
	public record CircuitBreakerEvents(List<CircuitBreakerEvent> circuitBreakerEvents) {
	}

	/**
	 * One transition.
	 * @param circuitBreakerName the breaker
	 * @param type always {@code STATE_TRANSITION} (Resilience4j's event type)
	 * @param stateTransition for example {@code CLOSED_TO_OPEN}
	 * @param from the state before
	 * @param to the state after
	 * @param reason why
	 * @param epoch the new epoch
	 * @param instance the instance that made it
	 * @param creationTime when (Redis time)
	 */
	public record CircuitBreakerEvent(String circuitBreakerName, String type, String stateTransition, String from,
			String to, String reason, long epoch, String instance, Instant creationTime) {

		static CircuitBreakerEvent of(TransitionRecord record) {
			return new CircuitBreakerEvent(record.circuitBreakerName(), "STATE_TRANSITION",
					record.from() + "_TO_" + record.to(), record.from().name(), record.to().name(), record.reason(),
					record.epoch(), record.instance(), record.at());
		}

	}

}
