/**
 * The sample application: exchange tickers behind shared circuit breakers.
 */
@NullMarked
package io.redisbreaker.sample;

import org.jspecify.annotations.NullMarked;
