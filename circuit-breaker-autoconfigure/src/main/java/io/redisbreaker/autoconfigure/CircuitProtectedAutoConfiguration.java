package io.redisbreaker.autoconfigure;

import io.redisbreaker.annotation.CircuitNameResolver;
import io.redisbreaker.annotation.CircuitProtectedAspect;
import io.redisbreaker.annotation.CircuitProtectedValidator;
import io.redisbreaker.annotation.ProtectedMethods;
import io.redisbreaker.core.CircuitBreakerRegistry;
import org.aspectj.lang.ProceedingJoinPoint;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code @CircuitProtected} aspect, and the startup check of every annotated method.
 */
@AutoConfiguration(after = CircuitBreakerAutoConfiguration.class)
@ConditionalOnClass(ProceedingJoinPoint.class)
@ConditionalOnBean(CircuitBreakerRegistry.class)
public final class CircuitProtectedAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ProtectedMethods circuitProtectedMethods() {
		return new ProtectedMethods();
	}

	@Bean
	@ConditionalOnMissingBean
	CircuitNameResolver circuitNameResolver(BeanFactory beanFactory) {
		return new CircuitNameResolver(beanFactory);
	}

	@Bean
	@ConditionalOnMissingBean
	CircuitProtectedAspect circuitProtectedAspect(ObjectProvider<CircuitBreakerRegistry> registry,
			ProtectedMethods methods, CircuitNameResolver names, CircuitBreakerProperties properties) {
		// Lazily: the aspect is created while advisors are sorted, and the registry checks the settings.
		return new CircuitProtectedAspect(registry::getObject, methods, names, properties.getAspectOrder());
	}

	@Bean
	@ConditionalOnMissingBean
	CircuitProtectedValidator circuitProtectedValidator(ListableBeanFactory beanFactory, ProtectedMethods methods,
			CircuitNameResolver names, CircuitBreakerRegistry registry) {
		return new CircuitProtectedValidator(beanFactory, methods, names, registry);
	}

}
