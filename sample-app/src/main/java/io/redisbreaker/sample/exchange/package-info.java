/**
 * The simulated upstream exchanges, and the switch that makes one fail or slow down for every
 * instance at once.
 */
@NullMarked
package io.redisbreaker.sample.exchange;

import org.jspecify.annotations.NullMarked;
