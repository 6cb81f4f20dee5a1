/**
 * Breaker state in this JVM only: the fallback while Redis is unreachable, and a store for tests.
 */
@NullMarked
package io.redisbreaker.store.memory;

import org.jspecify.annotations.NullMarked;
