package io.redisbreaker.annotation;

import java.lang.reflect.Method;
import java.util.concurrent.CompletionStage;

import org.jspecify.annotations.Nullable;
import org.springframework.util.ClassUtils;

/**
 * What the aspect needs to know about one protected method, worked out once.
 *
 * @param method the method
 * @param annotation its (method- or class-level) annotation
 * @param fallback its fallback, or {@code null}
 * @param kind how its result arrives
 */
record ProtectedMethod(Method method, CircuitProtected annotation, @Nullable FallbackMethod fallback, Kind kind) {

	private static final boolean reactorPresent = ClassUtils.isPresent("reactor.core.publisher.Mono",
			ProtectedMethod.class.getClassLoader());

	/** How a method's result arrives, which decides when its outcome is known. */
	enum Kind {

		SYNCHRONOUS, COMPLETION_STAGE, MONO, FLUX;

		static Kind of(Class<?> returnType) {
			if (CompletionStage.class.isAssignableFrom(returnType)) {
				return COMPLETION_STAGE;
			}
			if (reactorPresent) {
				Kind reactive = ReactorCalls.kindOf(returnType);
				if (reactive != null) {
					return reactive;
				}
			}
			return SYNCHRONOUS;
		}

	}

	static ProtectedMethod of(Class<?> targetClass, Method method, CircuitProtected annotation) {
		FallbackMethod fallback = annotation.fallbackMethod().isEmpty() ? null
				: FallbackMethod.resolve(targetClass, method, annotation.fallbackMethod());
		return new ProtectedMethod(method, annotation, fallback, Kind.of(method.getReturnType()));
	}

	/** Whether the fallback takes over for this failure. */
	boolean falls(Throwable failure) {
		return this.fallback != null && this.fallback.handles(failure);
	}

}
