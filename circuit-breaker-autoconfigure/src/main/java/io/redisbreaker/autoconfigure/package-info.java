/**
 * Spring Boot auto-configuration: properties under {@code circuitbreaker}, the breaker registry and
 * store, the {@code @CircuitProtected} aspect, and transition events.
 */
@NullMarked
package io.redisbreaker.autoconfigure;

import org.jspecify.annotations.NullMarked;
