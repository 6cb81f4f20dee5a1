/**
 * Market data streams, protected with the programmatic API the way the source guide's WebSocket
 * handler is: ask before connecting, report the outcome, hand failures to one error dispatcher.
 */
@NullMarked
package io.redisbreaker.sample.stream;

import org.jspecify.annotations.NullMarked;
