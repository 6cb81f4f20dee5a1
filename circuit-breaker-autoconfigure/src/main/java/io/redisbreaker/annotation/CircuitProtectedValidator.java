package io.redisbreaker.annotation;

import java.lang.reflect.Method;

import io.redisbreaker.core.BreakerNames;
import io.redisbreaker.core.CircuitBreakerRegistry;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Checks every {@link CircuitProtected} method once all singletons exist, so mistakes fail startup
 * instead of the first call: fallbacks must resolve, literal names must be valid, expressions must
 * parse, and named configurations must exist. Breakers with literal names are created right away, so
 * they are listed before their first call.
 */
public final class CircuitProtectedValidator implements SmartInitializingSingleton {

	private final ListableBeanFactory beanFactory;

	private final ProtectedMethods methods;

	private final CircuitNameResolver names;

	private final CircuitBreakerRegistry registry;

	public CircuitProtectedValidator(ListableBeanFactory beanFactory, ProtectedMethods methods,
			CircuitNameResolver names, CircuitBreakerRegistry registry) {
		this.beanFactory = beanFactory;
		this.methods = methods;
		this.names = names;
		this.registry = registry;
	}

	@Override
	public void afterSingletonsInstantiated() {
		for (String beanName : this.beanFactory.getBeanDefinitionNames()) {
			Class<?> type = this.beanFactory.getType(beanName, false);
			if (type != null) {
				check(beanName, ClassUtils.getUserClass(type));
			}
		}
	}

	private void check(String beanName, Class<?> type) {
		ReflectionUtils.doWithMethods(type, (method) -> {
			try {
				ProtectedMethod found = this.methods.find(type, method);
				if (found != null) {
					checkName(found, method);
				}
			}
			catch (RuntimeException ex) {
				throw new BeanCreationException(beanName, "Invalid @CircuitProtected on " + type.getName() + "."
						+ method.getName() + ": " + ex.getMessage(), ex);
			}
		}, (method) -> !method.isBridge() && !method.isSynthetic() && method.getDeclaringClass() != Object.class);
	}

	private void checkName(ProtectedMethod found, Method method) {
		String name = found.annotation().name();
		String configuration = found.annotation().configuration();
		if (!configuration.isEmpty()) {
			this.registry.getConfigs().require(configuration);
		}
		if (!CircuitNameResolver.isLiteral(name)) {
			this.names.validate(method, name);
			return;
		}
		BreakerNames.validate(name);
		if (configuration.isEmpty()) {
			this.registry.circuitBreaker(name);
		}
		else {
			this.registry.circuitBreaker(name, configuration);
		}
	}

}
