package io.redisbreaker.store.redis;

/**
 * One value of the reply of {@code names.lua}, which replies one name after another.
 *
 * @param name a breaker whose keys are alive
 */
record NamesReply(String name) {

	static final String SCRIPT = "names.lua";

}
