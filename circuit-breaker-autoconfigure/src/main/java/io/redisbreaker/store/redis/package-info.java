/**
 * Breaker state in Redis: one Lua script per operation ({@code .lua} resources beside this package),
 * all keys of a breaker in one cluster slot, Redis server time, and transitions published on a channel.
 */
@NullMarked
package io.redisbreaker.store.redis;

import org.jspecify.annotations.NullMarked;
