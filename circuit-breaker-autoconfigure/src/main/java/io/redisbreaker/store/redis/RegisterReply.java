package io.redisbreaker.store.redis;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The reply of {@code register.lua}, in the order of its {@code -- Returns:} header.
 *
 * @param listed whether the name is listed; not when the index already holds max-breakers names
 */
record RegisterReply(boolean listed) {

	static final String SCRIPT = "register.lua";

	private static final List<String> FIELDS = ScriptArguments.names(RegisterReply.class);

	static RegisterReply parse(@Nullable List<Object> reply) {
		ReplyReader read = ReplyReader.of(SCRIPT, FIELDS, reply);
		RegisterReply parsed = new RegisterReply(read.flag());
		read.end(null, null);
		return parsed;
	}

}
