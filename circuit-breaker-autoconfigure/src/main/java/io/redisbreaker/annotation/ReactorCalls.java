package io.redisbreaker.annotation;

import io.redisbreaker.core.CircuitBreaker;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reactor support, kept in its own class so Reactor is loaded only when it is on the classpath. A
 * {@code Mono} counts as succeeded on its value or on completing empty, a {@code Flux} on completing;
 * a cancelled subscription gives its permit back without counting. Permission is asked for on
 * subscription, without blocking.
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

	/** Guards the publisher a protected method returned, and applies its fallback to errors. */
	static Publisher<?> protect(CircuitBreaker breaker, @Nullable Object publisher, ProtectedMethod method,
			Object target, @Nullable Object[] args) {
		Publisher<?> guarded = (publisher instanceof Mono<?> mono) ? mono(breaker, mono)
				: flux(breaker, (Flux<?>) java.util.Objects.requireNonNull(publisher, "publisher"));
		return withFallback(guarded, method, target, args);
	}

	private static Mono<?> mono(CircuitBreaker breaker, Mono<?> source) {
		return Mono.fromCompletionStage(breaker::acquirePermissionAsync)
			.flatMap((permit) -> source.doOnSuccess((value) -> permit.recordSuccessAsync())
				.doOnError(permit::recordFailureAsync)
				.doOnCancel(permit::releaseAsync));
	}

	private static Flux<?> flux(CircuitBreaker breaker, Flux<?> source) {
		return Mono.fromCompletionStage(breaker::acquirePermissionAsync)
			.flatMapMany((permit) -> source.doOnComplete(permit::recordSuccessAsync)
				.doOnError(permit::recordFailureAsync)
				.doOnCancel(permit::releaseAsync));
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
