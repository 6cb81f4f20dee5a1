/**
 * Spring application events for breaker state transitions, made here or by any other instance.
 */
@NullMarked
package io.redisbreaker.event;

import org.jspecify.annotations.NullMarked;
