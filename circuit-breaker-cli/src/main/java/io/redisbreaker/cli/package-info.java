/**
 * {@code circuit-breaker}, the operator command line: reads and changes the fleet's breakers in Redis
 * directly, with the same scripts the starter runs ({@link io.redisbreaker.store.redis.RedisBreakerStore}),
 * for operators who cannot reach an application's actuator. Exit codes are in {@link io.redisbreaker.cli.ExitCodes}.
 */
@NullMarked
package io.redisbreaker.cli;

import org.jspecify.annotations.NullMarked;
