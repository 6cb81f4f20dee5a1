package io.redisbreaker.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.OperationType;
import org.springframework.boot.actuate.endpoint.web.ExposableWebEndpoint;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoint;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletPath;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;
import org.springframework.web.util.HtmlUtils;

/**
 * Serves the dashboard: its page, script and style sheet (resources of this jar, read once), and a small
 * {@code config} document that tells the page where the endpoints are and what the current user may do.
 */
public class CircuitBreakerDashboard {

	/** The endpoint that lists and operates the breakers. */
	static final EndpointId CIRCUIT_BREAKERS = EndpointId.of("circuitbreakers");

	/** The endpoint of the fleet's recent transitions. */
	static final EndpointId EVENTS = EndpointId.of("circuitbreakerevents");

	private static final String RESOURCES = "META-INF/circuitbreaker-dashboard/";

	/**
	 * Only this jar's own script and style sheet, and requests to this server: a name that got past the
	 * escaping still could not run a script.
	 */
	private static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
			+ "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

	private final String path;

	private final Duration refreshInterval;

	private final ObjectProvider<PathMappedEndpoints> endpoints;

	private final ObjectProvider<DispatcherServletPath> servletPath;

	private final DashboardWritePermission permission;

	private final Environment environment;

	private final String page;

	private final String script;

	private final String styleSheet;

	/**
	 * @param properties the dashboard's settings
	 * @param endpoints the application's web endpoints (none without Actuator's web support)
	 * @param servletPath the dispatcher servlet's path, when Spring Boot configured it
	 * @param permission whether a user may send a write
	 * @param environment for the management port
	 */
	public CircuitBreakerDashboard(CircuitBreakerDashboardProperties properties,
			ObjectProvider<PathMappedEndpoints> endpoints, ObjectProvider<DispatcherServletPath> servletPath,
			DashboardWritePermission permission, Environment environment) {
		this.path = properties.normalizedPath();
		this.refreshInterval = properties.checkedRefreshInterval();
		this.endpoints = endpoints;
		this.servletPath = servletPath;
		this.permission = permission;
		this.environment = environment;
		this.page = read("index.html");
		this.script = read("dashboard.js");
		this.styleSheet = read("dashboard.css");
	}

	/** The page's path, relative to the dispatcher servlet; empty for the root. */
	public String getPath() {
		return this.path;
	}

	/** The routes of the page, its resources and its config document. */
	public RouterFunction<ServerResponse> routes() {
		return RouterFunctions.route()
			.GET(this.path.isEmpty() ? "/" : this.path, this::page)
			.GET(this.path + "/", this::page)
			.GET(this.path + "/dashboard.js", (request) -> resource(this.script, "text/javascript"))
			.GET(this.path + "/dashboard.css", (request) -> resource(this.styleSheet, "text/css"))
			.GET(this.path + "/config", this::config)
			.build();
	}

	private ServerResponse page(ServerRequest request) {
		String base = request.servletRequest().getContextPath() + servletRelative(this.path);
		String html = this.page.replace("{{base}}", HtmlUtils.htmlEscape(base));
		return ServerResponse.ok()
			.contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
			.cacheControl(CacheControl.noCache())
			.header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
			.header("X-Content-Type-Options", "nosniff")
			.header("Referrer-Policy", "no-referrer")
			.body(html);
	}

	private static ServerResponse resource(String content, String type) {
		return ServerResponse.ok()
			.contentType(new MediaType(MediaType.parseMediaType(type), StandardCharsets.UTF_8))
			.cacheControl(CacheControl.noCache())
			.header("X-Content-Type-Options", "nosniff")
			.body(content);
	}

	private ServerResponse config(ServerRequest request) {
		return ServerResponse.ok()
			.contentType(MediaType.APPLICATION_JSON)
			.cacheControl(CacheControl.noStore())
			.body(config(request.servletRequest()));
	}

	/** What the page needs to know, for the user of this request. */
	DashboardConfig config(HttpServletRequest request) {
		long now = System.currentTimeMillis();
		long refresh = this.refreshInterval.toMillis();
		Csrf csrf = Csrf.of(request);
		if (ManagementPortType.get(this.environment) == ManagementPortType.DIFFERENT) {
			return new DashboardConfig(null, null, false, false, refresh, now, csrf,
					"The Actuator endpoints are served on management.server.port, not by this server; "
							+ "the dashboard needs them on the application's own port.");
		}
		PathMappedEndpoints mapped = this.endpoints.getIfAvailable();
		PathMappedEndpoint breakers = (mapped != null) ? mapped.getEndpoint(CIRCUIT_BREAKERS) : null;
		if (mapped == null || breakers == null) {
			return new DashboardConfig(null, null, false, false, refresh, now, csrf,
					"The circuitbreakers endpoint is not available: the application needs Actuator and "
							+ "management.endpoints.web.exposure.include=circuitbreakers,circuitbreakerevents.");
		}
		String breakersPath = servletRelative(mapped.getPath(CIRCUIT_BREAKERS));
		PathMappedEndpoint events = mapped.getEndpoint(EVENTS);
		String eventsPath = (events != null) ? servletRelative(mapped.getPath(EVENTS)) : null;
		Set<OperationType> operations = operations(breakers);
		boolean update = operations.contains(OperationType.WRITE)
				&& this.permission.isAllowed(request, breakersPath, "POST");
		boolean resetAll = operations.contains(OperationType.DELETE)
				&& this.permission.isAllowed(request, breakersPath, "DELETE");
		String context = request.getContextPath();
		return new DashboardConfig(context + breakersPath, (eventsPath != null) ? context + eventsPath : null, update,
				resetAll, refresh, now, csrf, null);
	}

	/**
	 * The operations the endpoint offers: Actuator leaves out the writes unless the endpoint's access is
	 * unrestricted.
	 */
	private static Set<OperationType> operations(PathMappedEndpoint endpoint) {
		if (endpoint instanceof ExposableWebEndpoint web) {
			return web.getOperations().stream().map((operation) -> operation.getType()).collect(Collectors.toSet());
		}
		return Set.of();
	}

	private String servletRelative(String path) {
		DispatcherServletPath servlet = this.servletPath.getIfAvailable();
		String relative = (servlet != null) ? servlet.getRelativePath(path) : path;
		return relative.startsWith("/") ? relative : "/" + relative;
	}

	private static String read(String name) {
		ClassPathResource resource = new ClassPathResource(RESOURCES + name,
				CircuitBreakerDashboard.class.getClassLoader());
		try (InputStream in = resource.getInputStream()) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not read the dashboard's " + name, ex);
		}
	}

	/**
	 * The {@code config} document.
	 * @param circuitBreakers the URL of the circuitbreakers endpoint, or {@code null} when it is not
	 * available
	 * @param circuitBreakerEvents the URL of the circuitbreakerevents endpoint, or {@code null}
	 * @param canUpdate whether the user may change a breaker's state ({@code POST})
	 * @param canResetAll whether the user may reset every breaker ({@code DELETE})
	 * @param refreshIntervalMillis how often the page reads the breakers
	 * @param serverTime this server's clock, in milliseconds since the epoch, for the countdowns
	 * @param csrf the CSRF token writes need, or {@code null}
	 * @param problem why the page cannot show the breakers, or {@code null}
	 */
	public record DashboardConfig(@Nullable String circuitBreakers, @Nullable String circuitBreakerEvents,
			boolean canUpdate, boolean canResetAll, long refreshIntervalMillis, long serverTime, @Nullable Csrf csrf,
			@Nullable String problem) {
	}

	/**
	 * Spring Security's CSRF token of the request, which writes from the page must carry.
	 * @param headerName the header to send it in
	 * @param token its value
	 */
	public record Csrf(String headerName, String token) {

		private static final String ATTRIBUTE = "org.springframework.security.web.csrf.CsrfToken";

		/** Spring Security's CsrfToken, or {@code null} without Spring Security. */
		private static final @Nullable Class<?> TOKEN_TYPE = tokenType();

		static @Nullable Csrf of(HttpServletRequest request) {
			Object token = request.getAttribute(ATTRIBUTE);
			if (token == null || TOKEN_TYPE == null || !TOKEN_TYPE.isInstance(token)) {
				return null;
			}
			return SecurityCsrf.of(token);
		}

		private static @Nullable Class<?> tokenType() {
			try {
				return Class.forName(ATTRIBUTE, false, Csrf.class.getClassLoader());
			}
			catch (ClassNotFoundException | LinkageError ex) {
				return null;
			}
		}

	}

	/** Reads a token only when Spring Security is there (a request attribute says so). */
	private static final class SecurityCsrf {

		static Csrf of(Object token) {
			org.springframework.security.web.csrf.CsrfToken csrf = (org.springframework.security.web.csrf.CsrfToken) token;
			return new Csrf(csrf.getHeaderName(), csrf.getToken());
		}

	}

}
