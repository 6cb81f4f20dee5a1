/**
 * Breaker state in Redis: one Lua script per operation ({@code .lua} resources beside this package),
 * all keys of a breaker in one cluster slot, Redis server time, and transitions published on a channel.
 * Each script's ARGV is one {@code *Arguments} record and its reply one {@code *Reply} record, whose
 * components are the values in the order of the script's {@code -- ARGV:} and {@code -- Returns:}
 * headers (a test holds the two sides together), so no other code knows a position.
 */
@NullMarked
package io.redisbreaker.store.redis;

import org.jspecify.annotations.NullMarked;
