package io.redisbreaker.annotation;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.springframework.aop.support.AopUtils;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

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

	/**
	 * The annotation that applies to {@code method}: its own, else its class's when it is public. A
	 * class-level annotation does not reach the fallbacks of the class's protected methods: a public
	 * fallback would otherwise be protected too, and startup would look for a fallback of the fallback.
	 */
	static @Nullable CircuitProtected annotationOf(Class<?> userClass, Method method) {
		CircuitProtected onMethod = AnnotatedElementUtils.findMergedAnnotation(method, CircuitProtected.class);
		if (onMethod != null) {
			return onMethod;
		}
		if (!Modifier.isPublic(method.getModifiers()) || method.getDeclaringClass() == Object.class) {
			return null;
		}
		CircuitProtected onClass = AnnotatedElementUtils.findMergedAnnotation(userClass, CircuitProtected.class);
		if (onClass == null || isFallback(userClass, onClass, method)) {
			return null;
		}
		return onClass;
	}

	/**
	 * Whether {@code method} can serve as a fallback in {@code userClass}: it has a trailing exception
	 * parameter and the name of a fallback that the class-level or a method-level annotation names.
	 */
	private static boolean isFallback(Class<?> userClass, CircuitProtected onClass, Method method) {
		int count = method.getParameterCount();
		if (count == 0 || !Throwable.class.isAssignableFrom(method.getParameterTypes()[count - 1])) {
			return false;
		}
		return fallbackNames(userClass, onClass).contains(method.getName());
	}

	private static Set<String> fallbackNames(Class<?> userClass, CircuitProtected onClass) {
		Set<String> names = new HashSet<>();
		names.add(onClass.fallbackMethod());
		ReflectionUtils.doWithMethods(userClass, (candidate) -> {
			CircuitProtected annotation = AnnotatedElementUtils.findMergedAnnotation(candidate, CircuitProtected.class);
			if (annotation != null) {
				names.add(annotation.fallbackMethod());
			}
		});
		names.remove("");
		return names;
	}

}
