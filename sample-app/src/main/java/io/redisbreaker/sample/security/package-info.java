/**
 * Who may watch the breakers and who may change them: a monitoring role reads, an admin role writes.
 */
@NullMarked
package io.redisbreaker.sample.security;

import org.jspecify.annotations.NullMarked;
