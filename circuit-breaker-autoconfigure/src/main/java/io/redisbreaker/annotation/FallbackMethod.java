package io.redisbreaker.annotation;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * The fallback of a {@code @CircuitProtected} method: every method of the target class
 * (or a superclass) with the fallback's name, the protected method's parameters and one
 * trailing {@link Throwable} parameter. Each call goes to the candidate whose exception
 * type is closest to the failure's class.
 *
 * <p>Resolved once at startup so that a misspelt or mistyped fallback stops the
 * application instead of surfacing at the first outage, when nobody is looking.
 */
public final class FallbackMethod {

	private final Method protectedMethod;

	private final Map<Class<?>, Method> candidatesByExceptionType;

	// Optional so that "no candidate covers this failure" is cached too; keys are
	// exception classes, so the map stays as small as the set of failures seen.
	private final Map<Class<?>, Optional<Method>> closestByFailureType = new ConcurrentHashMap<>();

	private FallbackMethod(Method protectedMethod, Map<Class<?>, Method> candidatesByExceptionType) {
		this.protectedMethod = protectedMethod;
		this.candidatesByExceptionType = candidatesByExceptionType;
	}

	/**
	 * Finds and validates the fallback candidates of {@code protectedMethod}.
	 * @param targetClass the class of the object the fallback will be invoked on
	 * (a CGLIB subclass is reduced to the user class)
	 * @param protectedMethod the {@code @CircuitProtected} method, ideally the most specific
	 * one so that its return type is the implementation's
	 * @param fallbackName the {@code fallbackMethod} attribute
	 * @return the resolved fallback
	 * @throws IllegalStateException when no candidate exists, or two candidates take the
	 * same exception type
	 */
	public static FallbackMethod resolve(Class<?> targetClass, Method protectedMethod, String fallbackName) {
		Class<?> userClass = ClassUtils.getUserClass(targetClass);
		Class<?>[] expectedParameters = protectedMethod.getParameterTypes();
		Map<Class<?>, Method> candidates = new LinkedHashMap<>();
		List<String> rejections = new ArrayList<>();
		Set<List<Class<?>>> overridden = new HashSet<>();
		for (Class<?> type = userClass; type != null && type != Object.class; type = type.getSuperclass()) {
			Set<List<Class<?>>> declaredHere = new HashSet<>();
			Method[] declared = type.getDeclaredMethods();
			// The JVM lists methods in no fixed order; sorting keeps startup errors reproducible.
			Arrays.sort(declared, Comparator.comparing(Method::toString));
			for (Method method : declared) {
				if (!method.getName().equals(fallbackName)) {
					continue;
				}
				List<Class<?>> signature = List.of(method.getParameterTypes());
				// A subclass declaration hides the superclass one: invoking the latter would
				// dispatch to the override anyway, so counting both would be a false ambiguity.
				if (overridden.contains(signature)) {
					continue;
				}
				declaredHere.add(signature);
				// Bridges only mark what they override; the real method sits beside them.
				if (method.isBridge() || method.isSynthetic()) {
					continue;
				}
				String rejection = rejection(method, protectedMethod, expectedParameters);
				if (rejection != null) {
					rejections.add(describe(method) + " " + rejection);
					continue;
				}
				Class<?> exceptionType = method.getParameterTypes()[expectedParameters.length];
				Method clash = candidates.putIfAbsent(exceptionType, method);
				if (clash != null) {
					throw new IllegalStateException("Ambiguous fallback '" + fallbackName + "' for @CircuitProtected method "
							+ describe(userClass, protectedMethod) + ": " + clash.getReturnType().getSimpleName() + " "
							+ describe(clash) + " and " + method.getReturnType().getSimpleName() + " " + describe(method)
							+ " both handle " + exceptionType.getName() + "; keep exactly one fallback per exception type");
				}
			}
			overridden.addAll(declaredHere);
		}
		if (candidates.isEmpty()) {
			throw new IllegalStateException("No fallback method '" + fallbackName + "' for @CircuitProtected method "
					+ describe(userClass, protectedMethod) + ": expected "
					+ expectedSignature(protectedMethod, fallbackName, expectedParameters) + " in " + userClass.getName()
					+ " or a superclass (any visibility; the last parameter may be any Throwable subtype"
					+ (protectedMethod.getReturnType() == void.class ? ""
							: ", the return type anything assignable to " + protectedMethod.getReturnType().getSimpleName())
					+ ")" + (rejections.isEmpty() ? "" : "; found " + String.join("; ", rejections)));
		}
		for (Method candidate : candidates.values()) {
			try {
				ReflectionUtils.makeAccessible(candidate);
			}
			catch (RuntimeException ex) {
				// InaccessibleObjectException when a module does not open the package to us.
				throw new IllegalStateException("Fallback " + describe(candidate) + " of @CircuitProtected method "
						+ describe(userClass, protectedMethod) + " cannot be made accessible: " + ex.getMessage(), ex);
			}
		}
		return new FallbackMethod(protectedMethod, Map.copyOf(candidates));
	}

	/**
	 * Tells whether a candidate takes {@code failure}, so that callers can decide to record
	 * and rethrow instead.
	 * @param failure the failure of the protected method (or an open circuit's rejection)
	 * @return {@code true} when some candidate's exception parameter accepts it
	 */
	public boolean handles(Throwable failure) {
		return closestCandidate(failure.getClass()) != null;
	}

	/**
	 * Invokes the candidate whose exception type is the closest superclass of (or equal to)
	 * the failure's class.
	 * @param target the object to invoke the fallback on: the target, not a proxy, so that
	 * private fallbacks work and the fallback is not itself advised
	 * @param args the arguments the protected method was called with
	 * @param failure the failure to hand to the fallback
	 * @return what the fallback returned
	 * @throws Throwable {@code failure} itself when no candidate takes it, or whatever the
	 * fallback threw, unwrapped
	 */
	public @Nullable Object invoke(Object target, @Nullable Object[] args, Throwable failure) throws Throwable {
		Method candidate = closestCandidate(failure.getClass());
		if (candidate == null) {
			throw failure;
		}
		int parameterCount = this.protectedMethod.getParameterCount();
		if (args.length != parameterCount) {
			throw new IllegalArgumentException("Fallback " + describe(candidate) + " needs the " + parameterCount
					+ " argument(s) of " + describe(this.protectedMethod.getDeclaringClass(), this.protectedMethod)
					+ " but got " + args.length);
		}
		@Nullable Object[] fallbackArgs = Arrays.copyOf(args, parameterCount + 1);
		fallbackArgs[parameterCount] = failure;
		try {
			return candidate.invoke(target, fallbackArgs);
		}
		catch (InvocationTargetException ex) {
			throw ex.getTargetException();
		}
		catch (IllegalAccessException ex) {
			// resolve() made every candidate accessible, so this means the JVM changed its mind.
			throw new IllegalStateException("Fallback " + describe(candidate) + " is not accessible", ex);
		}
	}

	private @Nullable Method closestCandidate(Class<?> failureType) {
		return this.closestByFailureType.computeIfAbsent(failureType, this::findClosestCandidate).orElse(null);
	}

	// Candidates take Throwable subclasses, never interfaces, so every candidate that
	// accepts the failure lies on its superclass chain: the first hit is the closest.
	private Optional<Method> findClosestCandidate(Class<?> failureType) {
		for (Class<?> type = failureType; type != null; type = type.getSuperclass()) {
			Method candidate = this.candidatesByExceptionType.get(type);
			if (candidate != null) {
				return Optional.of(candidate);
			}
		}
		return Optional.empty();
	}

	/** Why {@code method} cannot be a fallback of {@code protectedMethod}, or {@code null} if it can. */
	private static @Nullable String rejection(Method method, Method protectedMethod, Class<?>[] expectedParameters) {
		Class<?>[] parameters = method.getParameterTypes();
		int count = expectedParameters.length;
		boolean leadingMatch = parameters.length >= count
				&& Arrays.equals(parameters, 0, count, expectedParameters, 0, count);
		if (parameters.length == count && leadingMatch) {
			return "but it lacks a trailing Throwable parameter";
		}
		if (parameters.length != count + 1 || !leadingMatch) {
			return "but its parameters should be (" + simpleNames(expectedParameters)
					+ (count == 0 ? "" : ", ") + "Throwable or a subtype)";
		}
		if (!Throwable.class.isAssignableFrom(parameters[count])) {
			return "but its last parameter " + parameters[count].getSimpleName() + " is not a Throwable";
		}
		Class<?> expectedReturn = protectedMethod.getReturnType();
		Class<?> actualReturn = method.getReturnType();
		if (expectedReturn == void.class || actualReturn == void.class) {
			return (expectedReturn == actualReturn) ? null
					: "but returns " + actualReturn.getSimpleName() + ", expected " + expectedReturn.getSimpleName();
		}
		// Wrappers on both sides: an int fallback serves an int method, an Integer one too.
		if (!ClassUtils.resolvePrimitiveIfNecessary(expectedReturn)
				.isAssignableFrom(ClassUtils.resolvePrimitiveIfNecessary(actualReturn))) {
			return "but returns " + actualReturn.getSimpleName() + ", expected " + expectedReturn.getSimpleName()
					+ " or a subtype";
		}
		return null;
	}

	private static String expectedSignature(Method protectedMethod, String fallbackName, Class<?>[] parameters) {
		return protectedMethod.getReturnType().getSimpleName() + " " + fallbackName + "(" + simpleNames(parameters)
				+ (parameters.length == 0 ? "" : ", ") + "Throwable)";
	}

	private static String describe(Class<?> type, Method method) {
		return type.getName() + "#" + method.getName() + "(" + simpleNames(method.getParameterTypes()) + ")";
	}

	private static String describe(Method method) {
		return method.getName() + "(" + simpleNames(method.getParameterTypes()) + ")";
	}

	private static String simpleNames(Class<?>[] types) {
		return Arrays.stream(types).map(Class::getSimpleName).collect(Collectors.joining(", "));
	}

}
