package io.redisbreaker.sample.security;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationEntryPoint;
import org.springframework.security.web.firewall.StrictHttpFirewall;

/**
 * Reading the breakers (the endpoints, the metrics, the dashboard) needs the role MONITOR; changing
 * them, or the simulated exchanges, needs ADMIN. Tickers, order books and health are open to all.
 * <p>
 * Browsers sign in with a form, and their writes carry the session's CSRF token (the dashboard takes
 * it from its {@code config} document); scripts use HTTP Basic ({@code curl -u admin:admin}) and need no token: a request
 * that carries credentials itself is not one a foreign page can forge, and the actuator's writes only
 * take JSON bodies, which a cross-site form cannot send.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SampleUsersProperties.class)
class SecurityConfiguration {

	static final String MONITOR = "MONITOR";

	static final String ADMIN = "ADMIN";

	@Bean
	SecurityFilterChain sampleSecurity(HttpSecurity http,
			@Value("${circuitbreaker.dashboard.path:/circuitbreakers-dashboard}") String dashboardPath) throws Exception {
		http.authorizeHttpRequests((requests) -> requests
			.requestMatchers(EndpointRequest.to("health", "info")).permitAll()
			.requestMatchers(EndpointRequest.to("circuitbreakers", "circuitbreakerevents").withHttpMethod(HttpMethod.GET))
			.hasRole(MONITOR)
			.requestMatchers(EndpointRequest.to("prometheus", "metrics")).hasRole(MONITOR)
			.requestMatchers(EndpointRequest.toAnyEndpoint()).hasRole(ADMIN)
			.requestMatchers(dashboardPath, dashboardPath + "/**").hasRole(MONITOR)
			.requestMatchers(HttpMethod.GET, "/simulation/**").permitAll()
			.requestMatchers("/simulation/**").hasRole(ADMIN)
			.anyRequest().permitAll());
		http.formLogin(Customizer.withDefaults());
		http.httpBasic((basic) -> basic.authenticationEntryPoint(basicEntryPoint()));
		// Scripts get a 401 asking for HTTP Basic; browsers fall through to the sign-in form. Setting the
		// entry point itself instead would make Spring Security leave out its generated /login page.
		http.exceptionHandling((exceptions) -> exceptions.defaultAuthenticationEntryPointFor(basicEntryPoint(),
				(request) -> !acceptsHtml(request)));
		// The business API (/streams takes POST) is open to all and uses no session: nothing to forge.
		http.csrf((csrf) -> csrf.ignoringRequestMatchers((request) -> request.getHeader("Authorization") != null)
			.ignoringRequestMatchers("/streams/**"));
		return http.build();
	}

	/**
	 * Breaker names computed from request arguments carry {@code %XX} escapes ({@code up%20bit/kr/ticker}),
	 * so their endpoint paths hold an encoded {@code %}, which Spring Security's firewall rejects by
	 * default; the rest of its checks stay.
	 */
	@Bean
	StrictHttpFirewall breakerNamesFirewall() {
		StrictHttpFirewall firewall = new StrictHttpFirewall();
		firewall.setAllowUrlEncodedPercent(true);
		return firewall;
	}

	private static boolean acceptsHtml(HttpServletRequest request) {
		String accept = request.getHeader("Accept");
		return accept != null && accept.contains("text/html");
	}

	private static BasicAuthenticationEntryPoint basicEntryPoint() {
		BasicAuthenticationEntryPoint basic = new BasicAuthenticationEntryPoint();
		basic.setRealmName("ticker-sample");
		return basic;
	}

	@Bean
	InMemoryUserDetailsManager sampleUsers(SampleUsersProperties users, Environment environment) {
		List<String> missing = new ArrayList<>();
		if (isBlank(users.getMonitorPassword())) {
			missing.add("sample.security.monitor-password");
		}
		if (isBlank(users.getAdminPassword())) {
			missing.add("sample.security.admin-password");
		}
		if (!missing.isEmpty()) {
			String variables = missing.stream()
				.map((property) -> property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'))
				.collect(Collectors.joining(" and "));
			throw new CredentialsException("The sample application has no credentials for its users: "
					+ String.join(" and ", missing) + " must be set, and only the dev profile has development users "
					+ "(active profiles: " + Arrays.asList(environment.getActiveProfiles()) + ").",
					"Set the environment variables " + variables + " (plain passwords, or Spring Security's "
							+ "{bcrypt}... form), or start with the dev profile for development users.");
		}
		checkBcrypt("sample.security.monitor-password", users.getMonitorPassword());
		checkBcrypt("sample.security.admin-password", users.getAdminPassword());
		PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();
		UserDetails monitor = User.withUsername(users.getMonitorUser())
			.password(encoded(encoder, users.getMonitorPassword()))
			.roles(MONITOR)
			.build();
		UserDetails admin = User.withUsername(users.getAdminUser())
			.password(encoded(encoder, users.getAdminPassword()))
			.roles(ADMIN, MONITOR)
			.build();
		return new InMemoryUserDetailsManager(monitor, admin);
	}

	private static final Pattern BCRYPT = Pattern.compile("\\{bcrypt}\\$2[abxy]?\\$\\d{2}\\$[./A-Za-z0-9]{53}");

	/** A {@code {bcrypt}} value that is no BCrypt hash would only make every sign-in fail later. */
	private static void checkBcrypt(String property, @Nullable String password) {
		if (password != null && password.startsWith("{bcrypt}") && !BCRYPT.matcher(password).matches()) {
			throw new CredentialsException(property + " starts with {bcrypt} but what follows is not a BCrypt hash "
					+ "($2a$10$ and 53 more characters), so no password would ever match it.",
					"Set " + property + " to the output of a BCrypt encoder after {bcrypt}, or to a plain password.");
		}
	}

	/** A password already in the {@code {id}...} form is kept; a plain one is encoded now. */
	private static String encoded(PasswordEncoder encoder, @Nullable String password) {
		String given = (password != null) ? password : "";
		return given.startsWith("{") ? given : encoder.encode(given);
	}

	private static boolean isBlank(@Nullable String value) {
		return value == null || value.isBlank();
	}

}
