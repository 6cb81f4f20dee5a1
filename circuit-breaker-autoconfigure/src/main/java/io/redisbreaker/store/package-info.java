/**
 * The store the breakers use: Redis ({@code store.redis}), with the in-memory state machine
 * ({@code store.memory}) taking over when Redis is in trouble. {@link FailoverBreakerStore} joins
 * them; {@code RedisAvailability} decides whether Redis is in the decision path,
 * {@code LastSeenStates} remembers where each breaker was, and {@code BreakerFaults} keeps one broken
 * breaker from counting as a broken Redis.
 */
@NullMarked
package io.redisbreaker.store;

import org.jspecify.annotations.NullMarked;
