package io.redisbreaker.store.redis;

import io.redisbreaker.core.OperatorCommand;

import static io.redisbreaker.store.redis.ScriptArguments.encode;

/**
 * The ARGV of {@code operate.lua}, in the order of its {@code -- ARGV:} header.
 *
 * @param command the operator command, sent by its name
 * @param reason why, as written to the state and published with the transition
 * @param ttlMs see {@link StoreConstants#ttlMs()}
 * @param channel see {@link StoreConstants#channel()}
 * @param name the breaker, as published with a transition
 * @param origin see {@link StoreConstants#origin()}
 * @param maxBreakers see {@link StoreConstants#maxBreakers()}
 */
record OperateArguments(OperatorCommand command, String reason, byte[] ttlMs, byte[] channel, String name,
		byte[] origin, byte[] maxBreakers) {

	static OperateArguments of(String name, OperatorCommand command, String reason, StoreConstants store) {
		return new OperateArguments(command, reason, store.ttlMs(), store.channel(), name, store.origin(),
				store.maxBreakers());
	}

	/** The components, encoded, in order. */
	byte[][] argv() {
		return new byte[][] { encode(this.command.name()), encode(this.reason), this.ttlMs, this.channel,
				encode(this.name), this.origin, this.maxBreakers };
	}

}
