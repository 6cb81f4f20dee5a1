package io.redisbreaker.dashboard;

import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.access.WebInvocationPrivilegeEvaluator;

/**
 * Asks Spring Security's {@link WebInvocationPrivilegeEvaluator} whether the current user may send the
 * request: the rules of the application's filter chains, method included. When the application has
 * Spring Security on the class path but no web security configured, every request is allowed.
 */
final class SpringSecurityWritePermission implements DashboardWritePermission {

	private static final Logger logger = LoggerFactory.getLogger(SpringSecurityWritePermission.class);

	private final ObjectProvider<WebInvocationPrivilegeEvaluator> evaluator;

	SpringSecurityWritePermission(ObjectProvider<WebInvocationPrivilegeEvaluator> evaluator) {
		this.evaluator = evaluator;
	}

	@Override
	public boolean isAllowed(HttpServletRequest request, String path, String method) {
		WebInvocationPrivilegeEvaluator evaluator = this.evaluator.getIfUnique();
		if (evaluator == null) {
			return true;
		}
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		try {
			return evaluator.isAllowed(request.getContextPath(), path, method, authentication);
		}
		catch (RuntimeException ex) {
			// An evaluator that cannot answer for this request: hide the buttons rather than fail the page.
			logger.debug("Could not evaluate {} {} for the dashboard; its buttons are hidden", method, path, ex);
			return false;
		}
	}

}
