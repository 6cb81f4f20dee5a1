/**
 * The circuit breaker as its users see it: configuration, the per-name breaker with its permits, the
 * registry, states and transitions. Where state is kept and how outcomes reach it is the
 * {@link io.redisbreaker.store store}'s business.
 */
@NullMarked
package io.redisbreaker.core;

import org.jspecify.annotations.NullMarked;
