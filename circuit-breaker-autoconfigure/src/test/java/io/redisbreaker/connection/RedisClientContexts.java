package io.redisbreaker.connection;

import io.redisbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import io.redisbreaker.autoconfigure.RedisClientAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Application contexts as a user of the starter, or of plain Spring Boot, would have them.
 */
final class RedisClientContexts {

	private RedisClientContexts() {
	}

	/** The starter: hardened client, retrying templates, breakers. */
	static ApplicationContextRunner starter(String host, int port) {
		return plainBoot(host, port).withConfiguration(AutoConfigurations.of(RedisClientAutoConfiguration.class,
				CircuitBreakerAutoConfiguration.class));
	}

	/** Spring Boot's own Redis auto-configuration with its defaults. */
	static ApplicationContextRunner plainBoot(String host, int port) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.host=" + host, "spring.data.redis.port=" + port,
					"spring.data.redis.client-name=victim");
	}

}
