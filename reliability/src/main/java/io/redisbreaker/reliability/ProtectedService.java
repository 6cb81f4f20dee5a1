package io.redisbreaker.reliability;

import io.redisbreaker.annotation.CircuitProtected;

import org.springframework.stereotype.Service;

/**
 * The protected call: one breaker per name given, with that name's {@code circuitbreaker.instances} entry.
 * No fallback, so a rejected call throws {@code CircuitBreakerOpenException} and a failed one the
 * upstream's exception.
 */
@Service
public class ProtectedService {

	private final Upstream upstream;

	public ProtectedService(Upstream upstream) {
		this.upstream = upstream;
	}

	@CircuitProtected(name = "#{#breaker}")
	public String call(String breaker) {
		return this.upstream.call();
	}

	/** The same protected call in front of an upstream that fails every time, whatever {@link Upstream}'s mode. */
	@CircuitProtected(name = "#{#breaker}")
	public String callFailing(String breaker) {
		throw new Upstream.UpstreamFailure("upstream down (always)");
	}

}
