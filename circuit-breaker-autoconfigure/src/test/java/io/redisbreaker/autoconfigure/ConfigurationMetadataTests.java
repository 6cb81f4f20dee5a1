package io.redisbreaker.autoconfigure;

import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.redisbreaker.connection.LettuceHardening;
import io.redisbreaker.connection.RedisRetry;
import io.redisbreaker.core.CircuitBreakerConfig;
import org.junit.jupiter.api.Test;
import com.jayway.jsonpath.JsonPath;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The defaults an IDE shows (generated configuration metadata) are the defaults the code applies.
 */
class ConfigurationMetadataTests {

	@Test
	void documentedDefaultsBindToTheBuiltInDefaults() throws Exception {
		Map<String, String> documented = new HashMap<>();
		try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			List<Map<String, Object>> properties = JsonPath.read(in, "$.properties[?(@.defaultValue)]");
			properties.forEach((p) -> documented.put((String) p.get("name"), String.valueOf(p.get("defaultValue"))));
		}
		assertThat(documented).containsKeys("circuitbreaker.defaults.failure-threshold",
				"circuitbreaker.defaults.open-timeout", "circuitbreaker.defaults.max-open-timeout",
				"circuitbreaker.key-ttl", "circuitbreaker.redis-timeout");
		CircuitBreakerProperties bound = new Binder(new MapConfigurationPropertySource(documented))
			.bind("circuitbreaker", CircuitBreakerProperties.class)
			.get();
		assertThat(bound.toConfigs().defaults()).isEqualTo(CircuitBreakerConfig.ofDefaults());
		CircuitBreakerProperties unset = new CircuitBreakerProperties();
		assertThat(bound.getKeyPrefix()).isEqualTo(unset.getKeyPrefix());
		assertThat(bound.getKeyTtl()).isEqualTo(unset.getKeyTtl());
		assertThat(bound.getRedisTimeout()).isEqualTo(unset.getRedisTimeout());
		assertThat(bound.getRedisProbeInterval()).isEqualTo(unset.getRedisProbeInterval());
		assertThat(bound.getAspectOrder()).isEqualTo(unset.getAspectOrder());
		assertThat(bound.getRedisFailurePolicy()).isEqualTo(unset.getRedisFailurePolicy());

		RedisClientProperties client = new Binder(new MapConfigurationPropertySource(documented))
			.bind("circuitbreaker.redis-client", RedisClientProperties.class)
			.get();
		assertThat(documented).containsKeys("circuitbreaker.redis-client.command-timeout",
				"circuitbreaker.redis-client.retry.max-retries");
		assertThat(client.toOptions()).isEqualTo(LettuceHardening.Options.DEFAULTS);
		assertThat(client.getRetry().toSettings()).isEqualTo(RedisRetry.RetrySettings.DEFAULTS);
		assertThat(client.isResetOnTimeout()).isEqualTo(new RedisClientProperties().isResetOnTimeout());
		assertThat(client.getMinResetInterval()).isEqualTo(new RedisClientProperties().getMinResetInterval());
		assertThat(client.isVerifyOnStartup()).isEqualTo(new RedisClientProperties().isVerifyOnStartup());
	}

}
