/**
 * The fault reproduction: the source incident's experiment, extended to Lettuce's failure modes and
 * run once with Spring Boot's defaults and once with the starter.
 */
@NullMarked
package io.redisbreaker.reproduction;

import org.jspecify.annotations.NullMarked;
