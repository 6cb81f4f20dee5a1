package io.redisbreaker.store.redis;

import java.util.List;

import io.redisbreaker.core.CircuitState;
import io.redisbreaker.core.MergeResult;
import org.jspecify.annotations.Nullable;

/**
 * The reply of {@code merge.lua}, in the order of its {@code -- Returns:} header.
 *
 * @param counted whether the batch counted
 * @param state the state afterwards
 * @param epoch the epoch afterwards
 * @param from the state before the transition the batch caused, or {@code null}
 * @param to the state after it, or {@code null}
 * @param reason why it happened, or empty
 * @param openRemainingMs while open, the time until a trial may be permitted
 * @param calls calls in the sliding window
 * @param failures failed calls in the sliding window
 * @param slowCalls slow calls in the sliding window
 * @param streak the current run of failures inside the window
 * @param heldBack why the breaker would have opened, had enough instances been failing; else empty
 */
record MergeReply(boolean counted, CircuitState state, long epoch, @Nullable CircuitState from,
		@Nullable CircuitState to, String reason, long openRemainingMs, long calls, long failures, long slowCalls,
		long streak, String heldBack) {

	static final String SCRIPT = "merge.lua";

	private static final List<String> FIELDS = ScriptArguments.names(MergeReply.class);

	static MergeReply parse(@Nullable List<Object> reply) {
		ReplyReader read = ReplyReader.of(SCRIPT, FIELDS, reply);
		MergeReply parsed = new MergeReply(read.flag(), read.state(), read.number(), read.optionalState(),
				read.optionalState(), read.text(), read.number(), read.number(), read.number(), read.number(),
				read.number(), read.text());
		read.end(parsed.from, parsed.to);
		return parsed;
	}

	/** @param origin this instance, which made any transition */
	MergeResult result(String name, String origin) {
		return new MergeResult(this.counted, this.state, this.epoch, this.openRemainingMs, this.calls, this.failures,
				this.slowCalls, this.streak,
				ReplyReader.transition(name, this.from, this.to, this.reason, this.epoch, origin), this.heldBack);
	}

}
