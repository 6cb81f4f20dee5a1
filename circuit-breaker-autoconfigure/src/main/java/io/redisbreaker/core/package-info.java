/**
 * The circuit breaker as its users see it: configuration, the per-name breaker with its permits, the
 * registry, states and transitions; and the store contract it is built on ({@link BreakerStore} with
 * {@link Admission}, {@link StateChange} and {@link OperatorCommand}), which the stores implement.
 * Nothing here imports a store: the core asks the contract, whatever keeps the state.
 * <p>
 * The state machine's rules (when a breaker opens, goes half-open and closes) live where the state
 * is: in the Lua scripts beside {@code io.redisbreaker.store.redis}, which apply them atomically in
 * Redis, and in {@code io.redisbreaker.store.memory.BreakerStateMachine}, which applies the same rules
 * in this JVM while Redis is away. Their functions match one for one, and one table of scenarios
 * runs against both.
 */
@NullMarked
package io.redisbreaker.core;

import org.jspecify.annotations.NullMarked;
