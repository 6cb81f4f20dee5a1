package io.redisbreaker.annotation;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.springframework.aop.support.AopUtils;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;

/**
 * Finds and caches the {@link ProtectedMethod} of each annotated method; shared by the startup check
 * and the aspect so both see the same resolution.
 */
public final class ProtectedMethods {

	private record Key(Class<?> targetClass, Method method) {
	}

	private final Map<Key, ProtectedMethod> methods = new ConcurrentHashMap<>();

	/** The protected method, or {@code null} when the method carries no (applicable) annotation. */
	@Nullable ProtectedMethod find(Class<?> targetClass, Method method) {
		Class<?> userClass = ClassUtils.getUserClass(targetClass);
		Method specific = AopUtils.getMostSpecificMethod(method, userClass);
		Key key = new Key(userClass, specific);
		ProtectedMethod found = this.methods.get(key);
		if (found != null) {
			return found;
		}
		CircuitProtected annotation = annotationOf(userClass, specific);
		if (annotation == null) {
			return null;
		}
		return this.methods.computeIfAbsent(key, (k) -> ProtectedMethod.of(userClass, specific, annotation));
	}

	static @Nullable CircuitProtected annotationOf(Class<?> userClass, Method method) {
		CircuitProtected onMethod = AnnotatedElementUtils.findMergedAnnotation(method, CircuitProtected.class);
		if (onMethod != null) {
			return onMethod;
		}
		if (Modifier.isPublic(method.getModifiers()) && method.getDeclaringClass() != Object.class) {
			return AnnotatedElementUtils.findMergedAnnotation(userClass, CircuitProtected.class);
		}
		return null;
	}

}
