package io.redisbreaker.sample.stream;

import java.util.Optional;

import io.redisbreaker.core.BreakerNames;
import io.redisbreaker.core.CallPermit;
import io.redisbreaker.core.CircuitBreaker;
import io.redisbreaker.core.CircuitBreakerRegistry;
import io.redisbreaker.core.CircuitSnapshot;
import io.redisbreaker.sample.exchange.ExchangeClient;
import io.redisbreaker.sample.exchange.ExchangeUnavailableException;

import org.springframework.stereotype.Component;

/**
 * Connects market data streams as the source guide's WebSocket handler does, with the programmatic
 * API: check the breaker before connecting (an open breaker means: do not even try), record the
 * success, and hand a failure to the {@link ErrorDispatcher}. Each stream has the breaker
 * {@code exchange/region/stream}; {@code upbit/kr/stream} has settings of its own in
 * {@code application.yml}, the others use the defaults.
 */
@Component
public class StreamConnector {

	private final CircuitBreakerRegistry registry;

	private final ExchangeClient exchange;

	private final ErrorDispatcher errors;

	public StreamConnector(CircuitBreakerRegistry registry, ExchangeClient exchange, ErrorDispatcher errors) {
		this.registry = registry;
		this.exchange = exchange;
		this.errors = errors;
	}

	public StreamStatus connect(String exchange, String region) {
		String name = BreakerNames.encode(exchange + "/" + region + "/stream");
		CircuitBreaker breaker = this.registry.circuitBreaker(name);
		Optional<CallPermit> permit = breaker.tryAcquirePermission();
		if (permit.isEmpty()) {
			// Read only on this rare path: the snapshot may cost a Redis round trip.
			CircuitSnapshot snapshot = breaker.getSnapshot();
			return new StreamStatus(name, "not connecting: breaker " + snapshot.state(), snapshot.nextTrialAt());
		}
		try {
			this.exchange.connectStream(exchange, region);
			permit.get().recordSuccess();
			return new StreamStatus(name, "connected", null);
		}
		catch (ExchangeUnavailableException ex) {
			this.errors.dispatch(name, permit.get(), ex);
			return new StreamStatus(name, "failed: " + ex.getMessage(), null);
		}
	}

}
