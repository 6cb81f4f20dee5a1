package io.redisbreaker.dashboard;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Whether the user of a request may send a request of their own to a path of this application: the
 * dashboard shows its buttons only to users who may use them. With Spring Security, the answer of its
 * {@code WebInvocationPrivilegeEvaluator}; without it, yes. Declare a bean of this type to decide
 * otherwise. The endpoint's own security still decides what is done: this only hides buttons.
 */
@FunctionalInterface
public interface DashboardWritePermission {

	/** Every request is allowed (an application without Spring Security). */
	DashboardWritePermission ALLOW_ALL = (request, path, method) -> true;

	/**
	 * @param request the request of the user asking
	 * @param path the path the user would send to, relative to the context path
	 * @param method the HTTP method the user would use
	 * @return whether the request would be allowed
	 */
	boolean isAllowed(HttpServletRequest request, String path, String method);

}
