package io.redisbreaker.actuate;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

import io.redisbreaker.core.CircuitState;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The {@code circuitBreakers} health contributor: whether breakers decide on the shared state in Redis
 * or on this instance's fallback, and every breaker of the fleet that is not closed. Read from
 * {@link FleetStates}, so a health check costs no Redis round trip. An open breaker is the breaker
 * doing its job, so it leaves the status {@code UP} unless {@code circuitbreaker.health.open-breaker-status}
 * names another status (an open breaker then reports that one).
 */
public final class CircuitBreakersHealthIndicator implements HealthIndicator {

	private final FleetStates fleet;

	private final BooleanSupplier shared;

	private final Status openBreakerStatus;

	/**
	 * @param fleet the states
	 * @param shared whether the shared store decides now
	 * @param openBreakerStatus the status while any breaker is open or forced open
	 */
	public CircuitBreakersHealthIndicator(FleetStates fleet, BooleanSupplier shared, Status openBreakerStatus) {
		this.fleet = fleet;
		this.shared = shared;
		this.openBreakerStatus = openBreakerStatus;
	}

	@Override
	public Health health() {
		Map<String, Object> notClosed = new TreeMap<>();
		boolean open = false;
		for (Map.Entry<String, FleetStates.Known> entry : this.fleet.states().entrySet()) {
			FleetStates.Known known = entry.getValue();
			if (known.state() == CircuitState.CLOSED) {
				continue;
			}
			open |= known.state() == CircuitState.OPEN || known.state() == CircuitState.FORCED_OPEN;
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("state", known.state().name());
			details.put("reason", known.reason());
			if (known.changedAt() != null) {
				details.put("since", known.changedAt().toString());
			}
			notClosed.put(entry.getKey(), details);
		}
		Health.Builder health = open ? Health.status(this.openBreakerStatus) : Health.up();
		health.withDetail("store", this.shared.getAsBoolean() ? "shared" : "local");
		if (this.fleet.refreshedAt() != null) {
			health.withDetail("readAt", this.fleet.refreshedAt().toString());
		}
		return health.withDetail("breakers", notClosed).build();
	}

}
