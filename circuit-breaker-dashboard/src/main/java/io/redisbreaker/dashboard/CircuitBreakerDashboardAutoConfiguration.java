package io.redisbreaker.dashboard;

import io.redisbreaker.autoconfigure.CircuitBreakerEndpointAutoConfiguration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletPath;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.access.WebInvocationPrivilegeEvaluator;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The breaker dashboard at {@code circuitbreaker.dashboard.path}, in a Spring MVC application that sets
 * {@code circuitbreaker.dashboard.enabled=true}.
 */
@AutoConfiguration(after = { CircuitBreakerEndpointAutoConfiguration.class, WebEndpointAutoConfiguration.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ RouterFunction.class, DispatcherServletPath.class, PathMappedEndpoints.class })
@ConditionalOnProperty(prefix = "circuitbreaker.dashboard", name = "enabled", havingValue = "true")
@EnableConfigurationProperties(CircuitBreakerDashboardProperties.class)
public final class CircuitBreakerDashboardAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	CircuitBreakerDashboard circuitBreakerDashboard(CircuitBreakerDashboardProperties properties,
			ObjectProvider<PathMappedEndpoints> endpoints, ObjectProvider<DispatcherServletPath> servletPath,
			ObjectProvider<DashboardWritePermission> permission, Environment environment) {
		return new CircuitBreakerDashboard(properties, endpoints, servletPath,
				permission.getIfAvailable(() -> DashboardWritePermission.ALLOW_ALL), environment);
	}

	@Bean
	@ConditionalOnMissingBean(name = "circuitBreakerDashboardRoutes")
	RouterFunction<ServerResponse> circuitBreakerDashboardRoutes(CircuitBreakerDashboard dashboard) {
		return dashboard.routes();
	}

	/** The user's write permission as Spring Security sees it, when the application has Spring Security. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ WebInvocationPrivilegeEvaluator.class, SecurityContextHolder.class })
	static class SpringSecurityPermissionConfiguration {

		@Bean
		@ConditionalOnMissingBean
		DashboardWritePermission dashboardWritePermission(ObjectProvider<WebInvocationPrivilegeEvaluator> evaluator) {
			return new SpringSecurityWritePermission(evaluator);
		}

	}

}
