package io.redisbreaker.store.redis;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The reply of {@code check.lua}: its {@code -- Returns:} header, {@code {command, error, ...}}, is
 * one {@link Refusal} after another.
 *
 * @param refusals every command Redis refused, in the order the script ran them
 */
record CheckReply(List<Refusal> refusals) {

	static final String SCRIPT = "check.lua";

	/**
	 * One refused command.
	 *
	 * @param command the command, upper case
	 * @param error why Redis refused it
	 */
	record Refusal(String command, String error) {

		static final List<String> FIELDS = ScriptArguments.names(Refusal.class);

	}

	static CheckReply parse(@Nullable List<Object> reply) {
		int size = Refusal.FIELDS.size();
		if (reply == null || reply.size() % size != 0) {
			throw new ScriptReplyException(SCRIPT + " replied " + ReplyReader.describe(reply) + ", expected "
					+ Refusal.FIELDS + " repeated");
		}
		List<Refusal> refusals = new ArrayList<>(reply.size() / size);
		for (int i = 0; i < reply.size(); i += size) {
			ReplyReader read = ReplyReader.of(SCRIPT, Refusal.FIELDS, reply.subList(i, i + size));
			refusals.add(new Refusal(read.text(), read.text()));
			read.end(null, null);
		}
		return new CheckReply(List.copyOf(refusals));
	}

}
