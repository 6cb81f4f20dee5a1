/**
 * {@link io.redisbreaker.annotation.CircuitProtected @CircuitProtected}: the aspect that protects
 * annotated methods, their fallback methods, and breaker names computed from method arguments.
 */
@NullMarked
package io.redisbreaker.annotation;

import org.jspecify.annotations.NullMarked;
