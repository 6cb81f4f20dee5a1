package io.redisbreaker.store.redis;

import java.time.Duration;
import java.util.List;

import io.redisbreaker.core.Admission;
import io.redisbreaker.core.CircuitState;
import org.jspecify.annotations.Nullable;

/**
 * The reply of {@code acquire.lua}, in the order of its {@code -- Returns:} header.
 *
 * @param allowed whether the call may run
 * @param state the state the decision was made in
 * @param epoch the epoch the call runs under
 * @param permit whether the call holds a trial permit
 * @param retryAfterMs when rejected, how long until a trial may be permitted; 0 or less if unknown
 * @param from the state before the transition this decision caused (open to half-open), or
 * {@code null}
 * @param to the state after it, or {@code null}
 * @param reason why it happened, or empty
 */
record AcquireReply(boolean allowed, CircuitState state, long epoch, boolean permit, long retryAfterMs,
		@Nullable CircuitState from, @Nullable CircuitState to, String reason) {

	static final String SCRIPT = "acquire.lua";

	private static final List<String> FIELDS = ScriptArguments.names(AcquireReply.class);

	static AcquireReply parse(@Nullable List<Object> reply) {
		ReplyReader read = ReplyReader.of(SCRIPT, FIELDS, reply);
		AcquireReply parsed = new AcquireReply(read.flag(), read.state(), read.number(), read.flag(), read.number(),
				read.optionalState(), read.optionalState(), read.text());
		read.end(parsed.from, parsed.to);
		return parsed;
	}

	/**
	 * @param permitId the permit id the call asked with, which it holds when {@link #permit()}
	 * @param origin this instance, which made any transition
	 */
	Admission admission(String name, String permitId, String origin) {
		return new Admission(this.allowed, this.state, this.epoch, this.permit ? permitId : null,
				(this.retryAfterMs > 0) ? Duration.ofMillis(this.retryAfterMs) : null, Admission.Issuer.SHARED,
				ReplyReader.transition(name, this.from, this.to, this.reason, this.epoch, origin));
	}

}
