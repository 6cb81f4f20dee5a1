package io.redisbreaker.store.redis;

/** The ARGV of {@code names.lua}: none. */
record NamesArguments() {

	/** The components, encoded, in order. */
	byte[][] argv() {
		return new byte[0][];
	}

}
