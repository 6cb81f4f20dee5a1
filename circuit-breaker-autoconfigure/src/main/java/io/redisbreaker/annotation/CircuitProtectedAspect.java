package io.redisbreaker.annotation;

import java.lang.reflect.Method;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.redisbreaker.core.CallPermit;
import io.redisbreaker.core.CircuitBreaker;
import io.redisbreaker.core.CircuitBreakerOpenException;
import io.redisbreaker.core.CircuitBreakerRegistry;
import io.redisbreaker.core.OverflowPolicy;
import io.redisbreaker.core.Failures;
import org.aspectj.lang.ProceedingJoinPoint;
import org.aspectj.lang.annotation.Around;
import org.aspectj.lang.annotation.Aspect;
import org.aspectj.lang.reflect.MethodSignature;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.support.AopUtils;
import org.springframework.core.Ordered;
import org.springframework.util.function.SingletonSupplier;

/**
 * Runs {@link CircuitProtected} methods through their breaker. The breaker is asked before the call
 * and told the outcome after it; decisions, state and recording stay in the breaker and its store.
 */
@Aspect
public final class CircuitProtectedAspect implements Ordered {

	/**
	 * Like Resilience4j's circuit breaker aspect: inside a retry aspect, so each retry attempt is a
	 * separate protected call, and outside rate limiters, time limiters and bulkheads.
	 */
	public static final int DEFAULT_ORDER = Ordered.LOWEST_PRECEDENCE - 4;

	private final Supplier<CircuitBreakerRegistry> registry;

	private final ProtectedMethods methods;

	private final CircuitNameResolver names;

	private final int order;

	private final AtomicLong unprotectedCalls = new AtomicLong();

	private final UnprotectedCallWarnings warnings = new UnprotectedCallWarnings();

	public CircuitProtectedAspect(CircuitBreakerRegistry registry, ProtectedMethods methods,
			CircuitNameResolver names, int order) {
		this(() -> registry, methods, names, order);
	}

	/**
	 * Creates an aspect that looks the registry up on first use. Spring creates an {@code Ordered} aspect
	 * while it sorts advisors, before most other beans; a registry created then would report invalid
	 * breaker settings as an "Advisor sorting failed" error instead of the registry's own.
	 * @param registry supplies the registry, asked once
	 * @param methods the protected methods
	 * @param names resolves computed names
	 * @param order the aspect's order
	 */
	public CircuitProtectedAspect(Supplier<CircuitBreakerRegistry> registry, ProtectedMethods methods,
			CircuitNameResolver names, int order) {
		this.registry = SingletonSupplier.of(registry);
		this.methods = methods;
		this.names = names;
		this.order = order;
	}

	@Override
	public int getOrder() {
		return this.order;
	}

	@Around("@annotation(io.redisbreaker.annotation.CircuitProtected) || @within(io.redisbreaker.annotation.CircuitProtected)")
	public @Nullable Object protect(ProceedingJoinPoint call) throws Throwable {
		Object target = call.getTarget();
		Method method = ((MethodSignature) call.getSignature()).getMethod();
		ProtectedMethod protectedMethod = this.methods.find(AopUtils.getTargetClass(target), method);
		if (protectedMethod == null) {
			return call.proceed();
		}
		Object[] args = call.getArgs();
		CircuitBreaker breaker;
		try {
			breaker = breaker(protectedMethod, target, args);
		}
		catch (RuntimeException ex) {
			// A protected call never fails because of its breaker's name.
			return unprotected(call, protectedMethod, target, args, ex);
		}
		return switch (protectedMethod.kind()) {
			case SYNCHRONOUS -> synchronous(call, breaker, protectedMethod, target, args);
			case COMPLETION_STAGE -> completionStage(call, breaker, protectedMethod, target, args);
			case MONO, FLUX -> ReactorCalls.protect(breaker, call, protectedMethod, target, args);
		};
	}

	private CircuitBreaker breaker(ProtectedMethod method, Object target, Object[] args) {
		String name = this.names.resolve(method.method(), target, args, method.annotation().name());
		String configuration = method.annotation().configuration();
		CircuitBreakerRegistry registry = this.registry.get();
		CircuitBreaker breaker = configuration.isEmpty() ? registry.circuitBreaker(name)
				: registry.circuitBreaker(name, configuration);
		if (breaker.isOverLimit()) {
			this.warnings.overLimit(method, breaker.getName(), registry.getMaxBreakers(),
					registry.getOverflowPolicy() == OverflowPolicy.DENY);
		}
		return breaker;
	}

	private @Nullable Object synchronous(ProceedingJoinPoint call, CircuitBreaker breaker, ProtectedMethod method,
			Object target, Object[] args) throws Throwable {
		CallPermit permit;
		try {
			permit = breaker.acquirePermission();
		}
		catch (CircuitBreakerOpenException ex) {
			return fallback(method, target, args, ex);
		}
		Object result;
		try {
			result = call.proceed();
		}
		catch (Throwable ex) {
			permit.recordFailure(ex);
			return fallback(method, target, args, ex);
		}
		permit.recordSuccess();
		return result;
	}

	/**
	 * How many calls of {@code @CircuitProtected} methods ran without a breaker because their name could
	 * not be computed, since this aspect was created.
	 * @return the count
	 */
	public long getUnprotectedCalls() {
		return this.unprotectedCalls.get();
	}

	/**
	 * Runs a call whose breaker name could not be computed as if it were not annotated, except that its
	 * fallback still takes its failures: the name is the protection's problem, not the caller's.
	 */
	private @Nullable Object unprotected(ProceedingJoinPoint call, ProtectedMethod method, Object target,
			Object[] args, RuntimeException cause) throws Throwable {
		this.unprotectedCalls.incrementAndGet();
		this.warnings.unprotected(method, cause);
		return switch (method.kind()) {
			case SYNCHRONOUS -> {
				try {
					yield call.proceed();
				}
				catch (Throwable ex) {
					yield fallback(method, target, args, ex);
				}
			}
			case COMPLETION_STAGE -> withFallback(proceedAsync(call), method, target, args);
			case MONO, FLUX -> ReactorCalls.unprotected(call, method, target, args);
		};
	}

	/** See {@link CircuitBreaker#executeCompletionStage}; the fallback applies to the stage's failure. */
	private Object completionStage(ProceedingJoinPoint call, CircuitBreaker breaker, ProtectedMethod method,
			Object target, Object[] args) {
		return withFallback(breaker.executeCompletionStage(() -> proceedAsync(call)), method, target, args);
	}

	private Object withFallback(CompletionStage<Object> stage, ProtectedMethod method, Object target,
			Object[] args) {
		if (method.fallback() == null) {
			return stage;
		}
		CompletableFuture<Object> result = new CompletableFuture<>();
		stage.whenComplete((value, failure) -> {
			if (failure == null) {
				result.complete(value);
				return;
			}
			Throwable cause = Failures.unwrap(failure);
			if (!method.falls(cause)) {
				result.completeExceptionally(cause);
				return;
			}
			((CompletionStage<?>) asyncFallback(method, target, args, cause)).whenComplete((fallbackValue,
					fallbackFailure) -> {
				if (fallbackFailure != null) {
					result.completeExceptionally(Failures.unwrap(fallbackFailure));
				}
				else {
					result.complete(fallbackValue);
				}
			});
		});
		return result;
	}

	/** An asynchronous method reports failures through its stage, even those it throws. */
	@SuppressWarnings("unchecked")
	private static CompletionStage<Object> proceedAsync(ProceedingJoinPoint call) {
		try {
			CompletionStage<Object> stage = (CompletionStage<Object>) call.proceed();
			return (stage != null) ? stage : CompletableFuture.completedFuture(null);
		}
		catch (Throwable ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	private @Nullable Object fallback(ProtectedMethod method, Object target, Object[] args, Throwable failure)
			throws Throwable {
		if (!method.falls(failure)) {
			throw failure;
		}
		return method.fallback().invoke(target, args, failure);
	}

	/** An asynchronous method reports failures through its stage, never by throwing. */
	private Object asyncFallback(ProtectedMethod method, Object target, Object[] args, Throwable failure) {
		try {
			Object result = fallback(method, target, args, failure);
			return (result != null) ? result : CompletableFuture.completedFuture(null);
		}
		catch (Throwable ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

}
