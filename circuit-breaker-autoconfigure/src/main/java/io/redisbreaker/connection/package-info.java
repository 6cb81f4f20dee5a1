/**
 * Redis client hardening: Lettuce options that bound every wait, bounded and backed-off retries for
 * connection failures (never for command errors, never twice for a command that may already have run),
 * and connection resets that follow a failover.
 */
@NullMarked
package io.redisbreaker.connection;

import org.jspecify.annotations.NullMarked;
