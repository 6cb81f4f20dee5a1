package io.redisbreaker.actuate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.redisbreaker.core.BreakerNames;
import io.redisbreaker.core.CircuitBreaker;
import io.redisbreaker.core.CircuitBreakerRegistry;
import io.redisbreaker.core.CircuitSnapshot;
import io.redisbreaker.core.Failures;
import io.redisbreaker.core.OperatorCommand;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * {@code /actuator/circuitbreakers}: every breaker of the fleet (the store's index, not this JVM's
 * registry), read from Redis in one pipelined round trip, and operator commands that change the shared
 * state, so every instance obeys them at once. Read-only unless
 * {@code management.endpoint.circuitbreakers.access=unrestricted}.
 * <p>
 * Names contain slashes ({@code upbit/kr/ticker}) and are given as plain path segments:
 * {@code /actuator/circuitbreakers/upbit/kr/ticker}. A name is checked against the breaker name rules
 * before it reaches Redis, and an operation on a name no instance uses creates nothing.
 */
@Endpoint(id = "circuitbreakers", defaultAccess = Access.READ_ONLY)
public class CircuitBreakersEndpoint {

	private final CircuitBreakerRegistry registry;

	public CircuitBreakersEndpoint(CircuitBreakerRegistry registry) {
		this.registry = registry;
	}

	/** Every breaker of the fleet, sorted by name. */
	@ReadOperation
	public CircuitBreakers circuitBreakers() {
		return new CircuitBreakers(details(this.registry.getFleetNames()));
	}

	/** One breaker, or {@code null} (404) when no instance uses it. */
	@ReadOperation
	public @Nullable CircuitBreakerDetails circuitBreaker(@Selector(match = Selector.Match.ALL_REMAINING) String[] name) {
		String breaker = name(name);
		return details(breaker, Failures.join(this.registry.snapshots(Set.of(breaker))).get(breaker));
	}

	/**
	 * Changes a breaker's shared state: {@code FORCE_OPEN}, {@code CLOSE}, {@code DISABLE} or {@code RESET}.
	 * @return the breaker afterwards, or {@code null} (404) when no instance uses it
	 */
	@WriteOperation
	public @Nullable CircuitBreakerDetails updateState(@Selector(match = Selector.Match.ALL_REMAINING) String[] name,
			String updateState) {
		String breaker = name(name);
		UpdateState update = UpdateState.parse(updateState);
		if (circuitBreaker(name) == null) {
			return null;
		}
		this.registry.operate(breaker, update.command, update.reason);
		return circuitBreaker(name);
	}

	/**
	 * Resets every breaker of the fleet (closed, counts and growing open timeout forgotten), all commands
	 * sent before any answer is awaited.
	 */
	@DeleteOperation
	public CircuitBreakers resetAll() {
		Set<String> names = this.registry.getFleetNames();
		List<CompletableFuture<?>> resets = new ArrayList<>();
		for (String name : names) {
			resets.add(this.registry.operateAsync(name, OperatorCommand.CLOSE, UpdateState.RESET.reason)
				.toCompletableFuture());
		}
		Failures.join(CompletableFuture.allOf(resets.toArray(CompletableFuture[]::new)));
		return new CircuitBreakers(details(names));
	}

	private Map<String, CircuitBreakerDetails> details(Set<String> names) {
		Map<String, CircuitSnapshot> snapshots = Failures.join(this.registry.snapshots(names));
		Map<String, CircuitBreakerDetails> details = new LinkedHashMap<>();
		snapshots.forEach((name, snapshot) -> details.put(name, CircuitBreakerDetails.of(snapshot,
				this.registry.configFor(name), protecting(name))));
		return details;
	}

	/** The document of a breaker some instance uses: state stored, or a breaker of this JVM. */
	private @Nullable CircuitBreakerDetails details(String name, @Nullable CircuitSnapshot snapshot) {
		CircuitBreaker here = protecting(name);
		if (snapshot == null || (!snapshot.stored() && here == null && !this.registry.getAllNames().contains(name))) {
			return null;
		}
		return CircuitBreakerDetails.of(snapshot, this.registry.configFor(name), here);
	}

	/**
	 * This JVM's breaker of that name, unless it protects nothing (over max-breakers): such a name is not
	 * in use, and a command on it would write keys the index has no room for.
	 */
	private @Nullable CircuitBreaker protecting(String name) {
		return this.registry.find(name).filter((breaker) -> !breaker.isOverLimit()).orElse(null);
	}

	/** The selector's segments as a breaker name, checked before it reaches a key. */
	private static String name(String[] segments) {
		String name = String.join("/", segments);
		try {
			return BreakerNames.validate(name);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEndpointRequestException("Invalid circuit breaker name '" + name + "': " + ex.getMessage(),
					"Invalid circuit breaker name");
		}
	}

	/**
	 * The document of every breaker.
	 * @param circuitBreakers by name, sorted
	 */
	public record CircuitBreakers(Map<String, CircuitBreakerDetails> circuitBreakers) {
	}

	/** The values of {@code updateState}: Resilience4j's, plus {@code RESET}. */
	enum UpdateState {

		FORCE_OPEN(OperatorCommand.FORCE_OPEN, "forced open"), CLOSE(OperatorCommand.CLOSE, "forced close"),
		DISABLE(OperatorCommand.DISABLE, "disabled"), RESET(OperatorCommand.CLOSE, "reset");

		final OperatorCommand command;

		final String reason;

		UpdateState(OperatorCommand command, String reason) {
			this.command = command;
			this.reason = reason + " via /actuator/circuitbreakers";
		}

		static UpdateState parse(String value) {
			try {
				return valueOf(value.trim().toUpperCase(Locale.ROOT));
			}
			catch (IllegalArgumentException ex) {
				String accepted = Stream.of(values()).map(Enum::name).collect(Collectors.joining(", "));
				throw new InvalidEndpointRequestException(
						"Invalid updateState '" + value + "': expected one of " + accepted,
						"Invalid updateState; expected one of " + accepted);
			}
		}

	}

}
