package io.redisbreaker.actuate;

import java.util.Map;

import io.redisbreaker.core.BreakerStoreUnavailableException;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * The HTTP answers of {@link CircuitBreakersEndpoint} that Actuator cannot infer: 404 for a write to an
 * unknown breaker (a {@code null} result would be 204), and a 400 whose body says what was wrong and
 * what is accepted (Spring MVC's error page hides the message by default).
 */
@EndpointWebExtension(endpoint = CircuitBreakersEndpoint.class)
public class CircuitBreakersEndpointWebExtension {

	private final CircuitBreakersEndpoint endpoint;

	public CircuitBreakersEndpointWebExtension(CircuitBreakersEndpoint endpoint) {
		this.endpoint = endpoint;
	}

	@WriteOperation
	public WebEndpointResponse<Object> updateState(@Selector(match = Selector.Match.ALL_REMAINING) String[] name,
			String updateState) {
		try {
			CircuitBreakerDetails details = this.endpoint.updateState(name, updateState);
			if (details == null) {
				return new WebEndpointResponse<>(Map.of("status", 404, "error", "Not Found", "message",
						"No circuit breaker '" + String.join("/", name) + "' is in use"), WebEndpointResponse.STATUS_NOT_FOUND);
			}
			return new WebEndpointResponse<>(details);
		}
		catch (InvalidEndpointRequestException ex) {
			return new WebEndpointResponse<>(Map.of("status", 400, "error", "Bad Request", "message", ex.getMessage()),
					WebEndpointResponse.STATUS_BAD_REQUEST);
		}
		catch (BreakerStoreUnavailableException ex) {
			return unavailable(ex);
		}
	}

	@DeleteOperation
	public WebEndpointResponse<Object> resetAll() {
		try {
			return new WebEndpointResponse<>(this.endpoint.resetAll());
		}
		catch (BreakerStoreUnavailableException ex) {
			return unavailable(ex);
		}
	}

	/** Redis cannot take the command now: 503, saying whether anything was changed. */
	private static WebEndpointResponse<Object> unavailable(BreakerStoreUnavailableException ex) {
		return new WebEndpointResponse<>(
				Map.of("status", 503, "error", "Service Unavailable", "message", String.valueOf(ex.getMessage())),
				WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE);
	}

}
