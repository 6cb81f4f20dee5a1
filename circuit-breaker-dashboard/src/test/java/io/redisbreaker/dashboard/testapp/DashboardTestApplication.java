package io.redisbreaker.dashboard.testapp;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.redisbreaker.annotation.CircuitProtected;
import io.redisbreaker.core.CircuitBreakerOpenException;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * What a user runs: a web application with the starter, Actuator, the dashboard and Spring Security.
 * {@code GET /tickers/{exchange}/{region}} calls a method protected by the breaker
 * {@code <exchange>/<region>/ticker}, whose upstream fails while {@link Upstream} says so: 502 for a
 * failed call, 503 for a call the breaker rejected.
 * <p>
 * Users: {@code admin} may do anything; {@code monitor} may read everything but may not write to the
 * circuitbreakers endpoint.
 */
@SpringBootApplication
public class DashboardTestApplication {

	public static final String ADMIN = "admin";

	public static final String MONITOR = "monitor";

	public static final String PASSWORD = "secret-password";

	@Bean
	Upstream upstream() {
		return new Upstream();
	}

	@Bean
	TickerService tickerService(Upstream upstream) {
		return new TickerService(upstream);
	}

	@Bean
	SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
		RequestMatcher endpoint = EndpointRequest.to("circuitbreakers");
		RequestMatcher writes = (request) -> !"GET".equals(request.getMethod()) && endpoint.matches(request);
		http.authorizeHttpRequests((requests) -> requests.requestMatchers("/tickers/**")
			.permitAll()
			.requestMatchers(writes)
			.hasRole("ADMIN")
			.anyRequest()
			.authenticated())
			.formLogin(Customizer.withDefaults())
			.httpBasic(Customizer.withDefaults());
		return http.build();
	}

	@Bean
	InMemoryUserDetailsManager users() {
		return new InMemoryUserDetailsManager(
				User.withUsername(ADMIN).password("{noop}" + PASSWORD).roles("ADMIN", "MONITOR").build(),
				User.withUsername(MONITOR).password("{noop}" + PASSWORD).roles("MONITOR").build());
	}

	/** The upstream of the tickers: fails for the exchanges it is told to. */
	public static class Upstream {

		private final Set<String> failing = ConcurrentHashMap.newKeySet();

		public void fail(String exchange, boolean fail) {
			if (fail) {
				this.failing.add(exchange);
			}
			else {
				this.failing.remove(exchange);
			}
		}

		String ticker(String exchange, String region) {
			if (this.failing.contains(exchange)) {
				throw new IllegalStateException("exchange " + exchange + " is down");
			}
			return exchange + " " + region + " 100";
		}

	}

	public static class TickerService {

		private final Upstream upstream;

		TickerService(Upstream upstream) {
			this.upstream = upstream;
		}

		@CircuitProtected(name = "#{#exchange}/#{#region}/ticker")
		public String ticker(String exchange, String region) {
			return this.upstream.ticker(exchange, region);
		}

	}

	/** Found by component scanning. */
	@RestController
	static class TickerController {

		private final TickerService service;

		TickerController(TickerService service) {
			this.service = service;
		}

		@GetMapping("/tickers/{exchange}/{region}")
		String ticker(@PathVariable String exchange, @PathVariable String region) {
			return this.service.ticker(exchange, region);
		}

		@ExceptionHandler(CircuitBreakerOpenException.class)
		ResponseEntity<String> rejected(CircuitBreakerOpenException ex) {
			return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(ex.getMessage());
		}

		@ExceptionHandler(IllegalStateException.class)
		ResponseEntity<String> failed(IllegalStateException ex) {
			return ResponseEntity.status(HttpStatus.BAD_GATEWAY).body(ex.getMessage());
		}

	}

}
