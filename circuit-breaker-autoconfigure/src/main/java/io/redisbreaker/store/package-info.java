/**
 * Where breaker state lives and how decisions and outcomes reach it: the {@link BreakerStore} contract,
 * the Redis store, the in-memory store, and the failover between them when Redis is in trouble.
 */
@NullMarked
package io.redisbreaker.store;

import org.jspecify.annotations.NullMarked;
