package io.redisbreaker.store.redis;

import java.util.List;

import io.redisbreaker.core.CircuitState;
import io.redisbreaker.core.StateChange;
import org.jspecify.annotations.Nullable;

/**
 * The reply of {@code operate.lua} and {@code reconcile.lua}, in the order of their
 * {@code -- Returns:} headers.
 *
 * @param state the state afterwards
 * @param epoch the epoch afterwards
 * @param from the state before the transition the script made, or {@code null}
 * @param to the state after it, or {@code null}
 * @param reason why it happened, or empty
 */
record ChangeReply(CircuitState state, long epoch, @Nullable CircuitState from, @Nullable CircuitState to,
		String reason) {

	static final String OPERATE = "operate.lua";

	static final String RECONCILE = "reconcile.lua";

	private static final List<String> FIELDS = ScriptArguments.names(ChangeReply.class);

	/** @param script the script that replied, {@link #OPERATE} or {@link #RECONCILE} */
	static ChangeReply parse(String script, @Nullable List<Object> reply) {
		ReplyReader read = ReplyReader.of(script, FIELDS, reply);
		ChangeReply parsed = new ChangeReply(read.state(), read.number(), read.optionalState(), read.optionalState(),
				read.text());
		read.end(parsed.from, parsed.to);
		return parsed;
	}

	/** Counted, since the operation always applies. @param origin this instance, which made any transition */
	StateChange change(String name, String origin) {
		return new StateChange(true, this.state, this.epoch,
				ReplyReader.transition(name, this.from, this.to, this.reason, this.epoch, origin));
	}

}
