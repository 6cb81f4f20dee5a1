/**
 * A live page of every breaker of the fleet, served by the application itself at
 * {@code circuitbreaker.dashboard.path} when {@code circuitbreaker.dashboard.enabled=true}. The page reads
 * and drives the {@code circuitbreakers} and {@code circuitbreakerevents} Actuator endpoints; it only
 * hides the buttons a user may not use, and the endpoint's own access and security still decide.
 */
@NullMarked
package io.redisbreaker.dashboard;

import org.jspecify.annotations.NullMarked;
