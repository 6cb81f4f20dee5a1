package io.redisbreaker.reproduction;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The two ways a Redis client is set up for the comparison.
 */
enum ClientSetup {

	/** Spring Boot's Redis auto-configuration with every default (Lettuce, 60 s command timeout). */
	BOOT_DEFAULTS("Spring Boot defaults",
			"spring.autoconfigure.exclude=io.redisbreaker.autoconfigure.RedisClientAutoConfiguration,"
					+ "io.redisbreaker.autoconfigure.CircuitBreakerAutoConfiguration,"
					+ "io.redisbreaker.autoconfigure.CircuitProtectedAutoConfiguration"),

	/** The starter with its defaults. */
	STARTER("with the starter");

	private final String label;

	private final String[] properties;

	ClientSetup(String label, String... properties) {
		this.label = label;
		this.properties = properties;
	}

	String label() {
		return this.label;
	}

	ConfigurableApplicationContext start(String host, int port) {
		List<String> all = new ArrayList<>(List.of(this.properties));
		all.add("spring.data.redis.host=" + host);
		all.add("spring.data.redis.port=" + port);
		all.add("spring.data.redis.client-name=victim");
		all.add("spring.main.banner-mode=off");
		all.add("logging.level.root=ERROR");
		return new SpringApplicationBuilder(ReproductionApplication.class).web(WebApplicationType.NONE)
			.properties(all.toArray(String[]::new))
			.run();
	}

}
