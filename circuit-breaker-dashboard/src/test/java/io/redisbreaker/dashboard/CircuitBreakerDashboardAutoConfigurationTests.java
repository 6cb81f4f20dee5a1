package io.redisbreaker.dashboard;

import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import io.redisbreaker.dashboard.CircuitBreakerDashboard.DashboardConfig;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletPath;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.web.access.WebInvocationPrivilegeEvaluator;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.servlet.function.RouterFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * When the dashboard is configured, where it is served, and what its config document tells the page
 * about the endpoints and the user's permission to write.
 */
class CircuitBreakerDashboardAutoConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CircuitBreakerDashboardAutoConfiguration.class));

	/** With Actuator's web endpoints and a stand-in for the circuitbreakers endpoint. */
	private final WebApplicationContextRunner withEndpoints = this.runner
		.withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class, WebEndpointAutoConfiguration.class))
		.withBean(StubCircuitBreakersEndpoint.class)
		.withBean(StubEventsEndpoint.class)
		.withPropertyValues("circuitbreaker.dashboard.enabled=true",
				"management.endpoints.web.exposure.include=circuitbreakers,circuitbreakerevents");

	@Test
	void isOffUnlessEnabled() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(CircuitBreakerDashboard.class)
			.doesNotHaveBean("circuitBreakerDashboardRoutes"));
		this.runner.withPropertyValues("circuitbreaker.dashboard.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(CircuitBreakerDashboard.class));
	}

	@Test
	void servesThePageItsResourcesAndConfigAtTheDefaultPathWhenEnabled() throws Exception {
		this.runner.withPropertyValues("circuitbreaker.dashboard.enabled=true").run((context) -> {
			assertThat(context).hasSingleBean(CircuitBreakerDashboard.class).hasBean("circuitBreakerDashboardRoutes");
			MockMvc mvc = mvc(context);
			mvc.perform(get("/circuitbreakers-dashboard"))
				.andExpect(status().isOk())
				.andExpect(content().contentTypeCompatibleWith("text/html"))
				.andExpect(content().string(org.hamcrest.Matchers.containsString(
						"<script src=\"/circuitbreakers-dashboard/dashboard.js\" defer></script>")))
				.andExpect(content().string(org.hamcrest.Matchers.containsString(
						"data-config=\"/circuitbreakers-dashboard/config\"")))
				.andExpect(header().string("Content-Security-Policy",
						org.hamcrest.Matchers.containsString("script-src 'self'")));
			mvc.perform(get("/circuitbreakers-dashboard/"))
				.andExpect(status().isOk());
			mvc.perform(get("/circuitbreakers-dashboard/dashboard.js"))
				.andExpect(status().isOk())
				.andExpect(content().contentTypeCompatibleWith("text/javascript"))
				.andExpect(content().string(org.hamcrest.Matchers.containsString("textContent")));
			mvc.perform(get("/circuitbreakers-dashboard/dashboard.css"))
				.andExpect(status().isOk())
				.andExpect(content().contentTypeCompatibleWith("text/css"));
			mvc.perform(get("/circuitbreakers-dashboard/config"))
				.andExpect(status().isOk())
				.andExpect(jsonPath("$.circuitBreakers").doesNotExist())
				.andExpect(jsonPath("$.canUpdate").value(false))
				.andExpect(jsonPath("$.refreshIntervalMillis").value(500))
				.andExpect(jsonPath("$.problem").value(
						org.hamcrest.Matchers.containsString("management.endpoints.web.exposure.include")));
		});
	}

	@Test
	void thePathIsConfigurable() {
		this.runner.withPropertyValues("circuitbreaker.dashboard.enabled=true", "circuitbreaker.dashboard.path=ops/breakers/",
				"circuitbreaker.dashboard.refresh-interval=2s")
			.run((context) -> {
				assertThat(context.getBean(CircuitBreakerDashboard.class).getPath()).isEqualTo("/ops/breakers");
				MockMvc mvc = mvc(context);
				mvc.perform(get("/ops/breakers"))
					.andExpect(status().isOk())
					.andExpect(content().string(org.hamcrest.Matchers.containsString("/ops/breakers/dashboard.js")));
				mvc.perform(get("/ops/breakers/config")).andExpect(jsonPath("$.refreshIntervalMillis").value(2000));
				mvc.perform(get("/circuitbreakers-dashboard")).andExpect(status().isNotFound());
			});
	}

	@Test
	void aPathOrRefreshIntervalThatCannotWorkStopsTheApplication() {
		this.runner.withPropertyValues("circuitbreaker.dashboard.enabled=true", "circuitbreaker.dashboard.path=/a b")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("circuitbreaker.dashboard.path '/a b'"));
		this.runner.withPropertyValues("circuitbreaker.dashboard.enabled=true",
				"circuitbreaker.dashboard.refresh-interval=10ms")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("at least 100ms"));
	}

	@Test
	void backsOffWithoutAServletWebApplication() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(CircuitBreakerDashboardAutoConfiguration.class))
			.withPropertyValues("circuitbreaker.dashboard.enabled=true")
			.run((context) -> assertThat(context).doesNotHaveBean(CircuitBreakerDashboard.class));
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(CircuitBreakerDashboardAutoConfiguration.class))
			.withPropertyValues("circuitbreaker.dashboard.enabled=true")
			.run((context) -> assertThat(context).doesNotHaveBean(CircuitBreakerDashboard.class));
		this.runner.withClassLoader(new FilteredClassLoader(RouterFunction.class))
			.withPropertyValues("circuitbreaker.dashboard.enabled=true")
			.run((context) -> assertThat(context).doesNotHaveBean(CircuitBreakerDashboard.class));
	}

	@Test
	void theApplicationsOwnBeansWin() {
		this.withEndpoints.withBean(DashboardWritePermission.class, () -> (request, path, method) -> false)
			.run((context) -> {
				assertThat(context).hasSingleBean(DashboardWritePermission.class);
				assertThat(config(context).canUpdate()).isFalse();
			});
		this.withEndpoints.withBean("circuitBreakerDashboardRoutes", RouterFunction.class,
				() -> org.springframework.web.servlet.function.RouterFunctions.route()
					.GET("/own", (request) -> org.springframework.web.servlet.function.ServerResponse.ok().build())
					.build())
			.run((context) -> assertThat(context.getBean("circuitBreakerDashboardRoutes"))
				.isNotInstanceOf(CircuitBreakerDashboard.class)
				.extracting(Object::toString)
				.asString()
				.doesNotContain("/circuitbreakers-dashboard"));
	}

	@Test
	void theEndpointsAccessDecidesWhetherThePageMayWrite() {
		this.withEndpoints.withPropertyValues("management.endpoint.circuitbreakers.access=UNRESTRICTED")
			.run((context) -> assertThat(config(context)).satisfies((config) -> {
				assertThat(config.circuitBreakers()).isEqualTo("/actuator/circuitbreakers");
				assertThat(config.circuitBreakerEvents()).isEqualTo("/actuator/circuitbreakerevents");
				assertThat(config.canUpdate()).isTrue();
				assertThat(config.canResetAll()).isTrue();
				assertThat(config.problem()).isNull();
			}));
		this.withEndpoints.run((context) -> assertThat(config(context)).satisfies((config) -> {
			assertThat(config.circuitBreakers()).isEqualTo("/actuator/circuitbreakers");
			assertThat(config.canUpdate()).as("read-only by default").isFalse();
			assertThat(config.canResetAll()).isFalse();
		}));
		this.withEndpoints
			.withPropertyValues("management.endpoint.circuitbreakers.access=UNRESTRICTED",
					"management.endpoints.access.max-permitted=READ_ONLY")
			.run((context) -> assertThat(config(context).canUpdate()).isFalse());
	}

	@Test
	void theUsersPermissionIsAskedPerMethodOfTheEndpointsPath() {
		List<String> asked = Collections.synchronizedList(new ArrayList<>());
		this.withEndpoints
			.withPropertyValues("management.endpoint.circuitbreakers.access=UNRESTRICTED",
					"management.endpoints.web.base-path=/manage",
					"management.endpoints.web.path-mapping.circuitbreakers=breakers")
			.withBean(DispatcherServletPath.class, () -> () -> "/api")
			.withBean(DashboardWritePermission.class, () -> (request, path, method) -> {
				asked.add(method + " " + path);
				return "DELETE".equals(method);
			})
			.run((context) -> {
				MockHttpServletRequest request = new MockHttpServletRequest();
				request.setContextPath("/app");
				DashboardConfig config = context.getBean(CircuitBreakerDashboard.class).config(request);
				assertThat(config.circuitBreakers()).isEqualTo("/app/api/manage/breakers");
				assertThat(config.circuitBreakerEvents()).isEqualTo("/app/api/manage/circuitbreakerevents");
				assertThat(config.canUpdate()).isFalse();
				assertThat(config.canResetAll()).isTrue();
				assertThat(asked).containsExactly("POST /api/manage/breakers", "DELETE /api/manage/breakers");
			});
	}

	@Test
	void withoutSpringSecurityEveryUserMayUseAWritableEndpoint() {
		this.withEndpoints.withClassLoader(new FilteredClassLoader(WebInvocationPrivilegeEvaluator.class))
			.withPropertyValues("management.endpoint.circuitbreakers.access=UNRESTRICTED")
			.run((context) -> {
				assertThat(context).hasSingleBean(CircuitBreakerDashboard.class)
					.doesNotHaveBean(DashboardWritePermission.class);
				assertThat(config(context).canUpdate()).isTrue();
				assertThat(config(context).csrf()).isNull();
			});
		this.withEndpoints.withPropertyValues("management.endpoint.circuitbreakers.access=UNRESTRICTED")
			.run((context) -> {
				assertThat(context).getBean(DashboardWritePermission.class)
					.isInstanceOf(SpringSecurityWritePermission.class);
				assertThat(config(context).canUpdate()).as("Spring Security present, no web security configured")
					.isTrue();
			});
	}

	@Test
	void anEndpointThatIsNotExposedOrOnAnotherPortIsExplained() {
		this.withEndpoints.withPropertyValues("management.endpoints.web.exposure.include=health")
			.run((context) -> assertThat(config(context)).satisfies((config) -> {
				assertThat(config.circuitBreakers()).isNull();
				assertThat(config.canUpdate()).isFalse();
				assertThat(config.problem()).contains("exposure.include=circuitbreakers");
			}));
		this.withEndpoints.withPropertyValues("management.server.port=0")
			.run((context) -> assertThat(config(context).problem()).contains("management.server.port"));
	}

	@Test
	void everyPropertyIsDocumentedWithItsDefault() throws Exception {
		List<Map<String, Object>> properties = new ArrayList<>();
		for (URL url : Collections.list(getClass().getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"))) {
			try (InputStream in = url.openStream()) {
				properties.addAll(JsonPath.read(in, "$.properties[?(@.name =~ /circuitbreaker\\.dashboard\\..*/)]"));
			}
		}
		assertThat(properties).extracting((p) -> p.get("name"))
			.containsExactlyInAnyOrder("circuitbreaker.dashboard.enabled", "circuitbreaker.dashboard.path",
					"circuitbreaker.dashboard.refresh-interval");
		assertThat(properties).allSatisfy((p) -> assertThat(p).containsKeys("description", "defaultValue"));
		assertThat(properties).filteredOn((p) -> p.get("name").equals("circuitbreaker.dashboard.enabled"))
			.singleElement()
			.satisfies((p) -> assertThat(p.get("defaultValue")).isEqualTo(false));
	}

	private static MockMvc mvc(AssertableWebApplicationContext context) {
		return MockMvcBuilders.routerFunctions(context.getBean("circuitBreakerDashboardRoutes", RouterFunction.class))
			.build();
	}

	private static DashboardConfig config(AssertableWebApplicationContext context) {
		return context.getBean(CircuitBreakerDashboard.class).config(new MockHttpServletRequest());
	}

	@Endpoint(id = "circuitbreakers", defaultAccess = Access.READ_ONLY)
	static class StubCircuitBreakersEndpoint {

		@ReadOperation
		Map<String, Object> read() {
			return Map.of();
		}

		@WriteOperation
		Map<String, Object> write(String updateState) {
			return Map.of();
		}

		@DeleteOperation
		Map<String, Object> delete() {
			return Map.of();
		}

	}

	@Endpoint(id = "circuitbreakerevents")
	static class StubEventsEndpoint {

		@ReadOperation
		Map<String, Object> read() {
			return Map.of();
		}

	}

}
