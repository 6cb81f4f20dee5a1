package io.redisbreaker.store.redis;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.redisbreaker.core.CircuitState;
import io.redisbreaker.core.StateTransition;
import org.jspecify.annotations.Nullable;

/**
 * Reads one script reply front to back, one value per component of the reply record, so the record
 * header alone says which position holds what: its canonical constructor, called with one read per
 * argument, reads them in that order (Java evaluates arguments left to right). Anything the script
 * never returns fails with a {@link ScriptReplyException} naming the script, the field and the value.
 */
final class ReplyReader {

	private final String script;

	private final List<String> fields;

	private final List<Object> reply;

	private int next;

	private ReplyReader(String script, List<String> fields, List<Object> reply) {
		this.script = script;
		this.fields = fields;
		this.reply = reply;
	}

	/**
	 * @param script the script that replied, for the error
	 * @param fields the names of the reply's values, in order
	 * @param reply what Redis answered
	 */
	static ReplyReader of(String script, List<String> fields, @Nullable List<Object> reply) {
		if (reply == null || reply.size() != fields.size()) {
			throw new ScriptReplyException(script + " replied " + describe(reply) + ", expected "
					+ fields.size() + " values " + fields);
		}
		return new ReplyReader(script, fields, reply);
	}

	/** An integer. */
	long number() {
		Object value = take();
		if (value instanceof Long number) {
			return number;
		}
		// Lettuce hands integers over as Long; a decimal string is read too, as it always was.
		if (value instanceof byte[] bytes) {
			try {
				return Long.parseLong(new String(bytes, StandardCharsets.UTF_8));
			}
			catch (NumberFormatException ex) {
				throw invalid(value, "an integer");
			}
		}
		throw invalid(value, "an integer");
	}

	/** 0 or 1. */
	boolean flag() {
		long value = number();
		if (value != 0 && value != 1) {
			throw invalid(value, "0 or 1");
		}
		return value == 1;
	}

	/** A string, possibly empty. */
	String text() {
		Object value = take();
		if (value instanceof byte[] bytes) {
			return new String(bytes, StandardCharsets.UTF_8);
		}
		throw invalid(value, "a string");
	}

	/** A state name. */
	CircuitState state() {
		CircuitState state = optionalState();
		if (state == null) {
			throw invalid("", "a state");
		}
		return state;
	}

	/** A state name, or empty for none. */
	@Nullable CircuitState optionalState() {
		String name = text();
		if (name.isEmpty()) {
			return null;
		}
		try {
			return CircuitState.valueOf(name);
		}
		catch (IllegalArgumentException ex) {
			throw invalid(name, "a state");
		}
	}

	/**
	 * Called last: the parse read every value (so a parse that skips one fails its tests), and the
	 * transition the reply reports, {from, to}, is both or neither.
	 * @param from the transition's first state, {@code null} for none or when the reply has no transition
	 * @param to its second
	 */
	void end(@Nullable CircuitState from, @Nullable CircuitState to) {
		if (this.next != this.fields.size()) {
			throw new IllegalStateException(this.script + " reply parsed " + this.next + " of " + this.fields.size()
					+ " values " + this.fields);
		}
		if ((from == null) != (to == null)) {
			throw new ScriptReplyException(this.script + " replied a transition from " + from + " to " + to
					+ ": both or neither must be set, in " + describe(this.reply));
		}
	}

	private @Nullable Object take() {
		return this.reply.get(this.next++);
	}

	/** About the value just taken, which it names by its field. */
	private ScriptReplyException invalid(@Nullable Object value, String expected) {
		String field = this.fields.get(this.next - 1);
		return new ScriptReplyException(this.script + " replied " + field + " = " + show(value) + " (expected "
				+ expected + ") at position " + this.next + " of " + this.reply.size());
	}

	static String describe(@Nullable List<Object> reply) {
		if (reply == null) {
			return "nothing";
		}
		StringBuilder text = new StringBuilder().append(reply.size()).append(" values [");
		for (int i = 0; i < reply.size(); i++) {
			text.append((i > 0) ? ", " : "").append(show(reply.get(i)));
		}
		return text.append(']').toString();
	}

	private static String show(@Nullable Object value) {
		String text;
		if (value instanceof byte[] bytes) {
			text = new String(bytes, StandardCharsets.UTF_8);
		}
		else if (value instanceof String string) {
			text = string;
		}
		else {
			// An integer, or nil (null); a nested array shows as Lettuce's list.
			return String.valueOf(value);
		}
		return "'" + ((text.length() > 64) ? text.substring(0, 64) + "..." : text) + "'";
	}

	/**
	 * The transition a script reported as {from, to, reason} after {@link #end} checked it, or
	 * {@code null} when it reported none.
	 * @param epoch the epoch it started
	 * @param origin this instance, which made it
	 */
	static @Nullable StateTransition transition(String name, @Nullable CircuitState from,
			@Nullable CircuitState to, String reason, long epoch, String origin) {
		if (from == null || to == null) {
			return null;
		}
		return new StateTransition(name, from, to, epoch, reason, origin, true);
	}

}
