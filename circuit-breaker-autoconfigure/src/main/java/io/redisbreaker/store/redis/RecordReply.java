package io.redisbreaker.store.redis;

import java.util.List;

import io.redisbreaker.core.CircuitState;
import io.redisbreaker.core.StateChange;
import org.jspecify.annotations.Nullable;

/**
 * The reply of {@code record.lua}, in the order of its {@code -- Returns:} header.
 *
 * @param counted whether the outcome counted
 * @param state the state afterwards
 * @param epoch the epoch afterwards
 * @param from the state before the transition the outcome caused, or {@code null}
 * @param to the state after it, or {@code null}
 * @param reason why it happened, or empty
 */
record RecordReply(boolean counted, CircuitState state, long epoch, @Nullable CircuitState from,
		@Nullable CircuitState to, String reason) {

	static final String SCRIPT = "record.lua";

	private static final List<String> FIELDS = ScriptArguments.names(RecordReply.class);

	static RecordReply parse(@Nullable List<Object> reply) {
		ReplyReader read = ReplyReader.of(SCRIPT, FIELDS, reply);
		RecordReply parsed = new RecordReply(read.flag(), read.state(), read.number(), read.optionalState(),
				read.optionalState(), read.text());
		read.end(parsed.from, parsed.to);
		return parsed;
	}

	/** @param origin this instance, which made any transition */
	StateChange change(String name, String origin) {
		return new StateChange(this.counted, this.state, this.epoch,
				ReplyReader.transition(name, this.from, this.to, this.reason, this.epoch, origin));
	}

}
