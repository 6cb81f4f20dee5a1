/**
 * Operating the breakers from outside: the {@code circuitbreakers} and {@code circuitbreakerevents}
 * Actuator endpoints, the {@code circuitBreakers} health contributor and the Micrometer meters, all
 * showing the whole fleet's shared state rather than this JVM's.
 */
@NullMarked
package io.redisbreaker.actuate;

import org.jspecify.annotations.NullMarked;
