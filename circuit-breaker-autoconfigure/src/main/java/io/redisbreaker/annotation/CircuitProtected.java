package io.redisbreaker.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Protects a method (or every public method of a class, except the fallbacks of the class's protected
 * methods) with the shared circuit breaker of {@link #name()}. When the breaker does not permit the call, the caller gets a
 * {@link io.redisbreaker.core.CircuitBreakerOpenException} unless the fallback method handles it.
 * <p>
 * Works for plain return types, {@code CompletionStage}, and Reactor {@code Mono}/{@code Flux}. Spring
 * AOP rules apply: calls from inside the same object and private methods are not intercepted.
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface CircuitProtected {

	/**
	 * The breaker name: a literal ({@code "upbit/kr/ticker"}), a SpEL expression starting with
	 * {@code #} ({@code "#exchange + '/' + #region + '/ticker'"}) or a template
	 * ({@code "#{#exchange}/#{#region}/ticker"}) over the method's arguments.
	 * <p>
	 * A literal must be a valid name ({@link io.redisbreaker.core.BreakerNames}); startup fails otherwise.
	 * A computed name is made valid with {@link io.redisbreaker.core.BreakerNames#encode(String)}
	 * ({@code "up bit"} becomes {@code "up%20bit"}); when it cannot be computed at all (the expression
	 * throws, or yields null or a blank string) the call runs without a breaker, its fallback still
	 * applying, and a warning is logged at most once a minute per method.
	 */
	String name();

	/**
	 * The {@code circuitbreaker.instances} entry whose settings to use; by default the entry named like
	 * the breaker, or the defaults. Useful when {@link #name()} is computed per call.
	 */
	String configuration() default "";

	/**
	 * A method of the same class with the same parameters plus a trailing exception parameter, called
	 * instead of failing when the call fails or is not permitted. With several overloads the one whose
	 * exception type is closest to the failure wins; a failure no overload covers is rethrown. Checked at
	 * startup: an unresolvable fallback fails the application context.
	 */
	String fallbackMethod() default "";

}
