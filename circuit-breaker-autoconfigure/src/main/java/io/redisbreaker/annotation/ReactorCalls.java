package io.redisbreaker.annotation;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import io.redisbreaker.core.CallPermit;
import io.redisbreaker.core.CircuitBreaker;
import org.aspectj.lang.ProceedingJoinPoint;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reactor support, kept in its own class so Reactor is loaded only when it is on the classpath. A
 * {@code Mono} counts as succeeded on its value or on completing empty, a {@code Flux} on completing
 * or on being cancelled after its first element; a subscription cancelled before any element gives its
 * permit back without counting. Permission is asked for on subscription, without blocking.
 */
final class ReactorCalls {

	private ReactorCalls() {
	}

	static ProtectedMethod.@Nullable Kind kindOf(Class<?> returnType) {
		if (Mono.class.isAssignableFrom(returnType)) {
			return ProtectedMethod.Kind.MONO;
		}
		if (Flux.class.isAssignableFrom(returnType)) {
			return ProtectedMethod.Kind.FLUX;
		}
		return null;
	}

	/**
	 * Guards the publisher a protected method returns, and applies its fallback to errors. A method that
	 * throws instead of returning a publisher counts as a publisher of that error.
	 */
	static Publisher<?> protect(CircuitBreaker breaker, ProceedingJoinPoint call, ProtectedMethod method,
			Object target, @Nullable Object[] args) {
		boolean mono = method.kind() == ProtectedMethod.Kind.MONO;
		Object publisher = proceed(call, mono);
		Publisher<?> guarded = mono ? mono(breaker, (Mono<?>) Objects.requireNonNull(publisher, "publisher"))
				: flux(breaker, (Flux<?>) Objects.requireNonNull(publisher, "publisher"));
		return withFallback(guarded, method, target, args);
	}

	/**
	 * Runs a call without a breaker (its name could not be computed); its fallback still applies to its
	 * errors, and a method that throws still counts as a publisher of that error.
	 */
	static Publisher<?> unprotected(ProceedingJoinPoint call, ProtectedMethod method, Object target,
			@Nullable Object[] args) {
		Object publisher = proceed(call, method.kind() == ProtectedMethod.Kind.MONO);
		return withFallback((Publisher<?>) Objects.requireNonNull(publisher, "publisher"), method, target, args);
	}

	/** The method's publisher; a method that throws instead counts as a publisher of that error. */
	private static @Nullable Object proceed(ProceedingJoinPoint call, boolean mono) {
		try {
			return call.proceed();
		}
		catch (Throwable ex) {
			return mono ? Mono.error(ex) : Flux.error(ex);
		}
	}

	/**
	 * Permission, without blocking; a subscriber that cancels while it is pending gives the permit back
	 * once it arrives, so no trial permit is held for nobody.
	 */
	private static Mono<CallPermit> permit(CircuitBreaker breaker) {
		return Mono.defer(() -> {
			CompletableFuture<CallPermit> pending = breaker.acquirePermissionAsync().toCompletableFuture();
			AtomicBoolean delivered = new AtomicBoolean();
			// Reactor also cancels this Mono once it has delivered the permit: only an undelivered one is
			// given back.
			return Mono.fromFuture(pending, true)
				.doOnNext((permit) -> delivered.set(true))
				.doOnCancel(() -> pending.thenAccept((permit) -> {
					if (!delivered.get()) {
						permit.releaseAsync();
					}
				}));
		});
	}

	private static Mono<?> mono(CircuitBreaker breaker, Mono<?> source) {
		return permit(breaker).flatMap((permit) -> source.doOnSuccess((value) -> permit.recordSuccessAsync())
			.doOnError(permit::recordFailureAsync)
			.doOnCancel(permit::releaseAsync));
	}

	/** Like Resilience4j: a Flux cancelled after it emitted (take(n), next()) succeeded. */
	private static Flux<?> flux(CircuitBreaker breaker, Flux<?> source) {
		return permit(breaker).flatMapMany((permit) -> {
			AtomicBoolean emitted = new AtomicBoolean();
			return source.doOnNext((value) -> emitted.set(true))
				.doOnComplete(permit::recordSuccessAsync)
				.doOnError(permit::recordFailureAsync)
				.doOnCancel(() -> {
					if (emitted.get()) {
						permit.recordSuccessAsync();
					}
					else {
						permit.releaseAsync();
					}
				});
		});
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static Publisher<?> withFallback(Publisher<?> guarded, ProtectedMethod method, Object target,
			@Nullable Object[] args) {
		if (guarded instanceof Mono<?> mono) {
			return mono.onErrorResume(method::falls, (failure) -> (Mono) invoke(method, target, args, failure));
		}
		return ((Flux<?>) guarded).onErrorResume(method::falls,
				(failure) -> (Publisher) invoke(method, target, args, failure));
	}

	private static Object invoke(ProtectedMethod method, Object target, @Nullable Object[] args, Throwable failure) {
		try {
			Object result = method.fallback().invoke(target, args, failure);
			return (result != null) ? result : Mono.empty();
		}
		catch (Throwable ex) {
			return Mono.error(ex);
		}
	}

}
