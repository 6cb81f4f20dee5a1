package io.redisbreaker.autoconfigure;

import io.redisbreaker.connection.ConnectionRecovery;
import io.redisbreaker.connection.LettuceHardening;
import io.redisbreaker.connection.RedisRetry;
import io.redisbreaker.connection.RedisStartupCheck;
import io.redisbreaker.connection.RetryingRedisTemplate;
import io.redisbreaker.connection.RetryingStringRedisTemplate;
import io.lettuce.core.RedisClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Hardened Lettuce options and retrying templates. Runs before Spring Boot's Redis auto-configuration,
 * so the {@code redisTemplate} and {@code stringRedisTemplate} beans defined here take the place of
 * Boot's (same names and types); a user's own template beans still win.
 */
@AutoConfiguration(before = DataRedisAutoConfiguration.class)
@ConditionalOnClass({ RedisClient.class, RedisTemplate.class })
@ConditionalOnProperty(prefix = "circuitbreaker.redis-client", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties({ RedisClientProperties.class, DataRedisProperties.class })
public final class RedisClientAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	LettuceHardening redisLettuceHardening(RedisClientProperties properties, DataRedisProperties redis) {
		return new LettuceHardening(properties.toOptions(), redis);
	}

	@Bean
	@ConditionalOnMissingBean
	ConnectionRecovery redisConnectionRecovery(ObjectProvider<RedisConnectionFactory> connectionFactory,
			RedisClientProperties properties) {
		return new ConnectionRecovery(connectionFactory::getIfUnique, properties.getMinResetInterval(),
				properties.isResetOnTimeout());
	}

	@Bean
	@ConditionalOnMissingBean
	RedisRetry redisRetry(RedisClientProperties properties, ConnectionRecovery recovery) {
		return new RedisRetry(properties.getRetry().toSettings(), recovery);
	}

	@Bean
	@ConditionalOnMissingBean(name = "redisTemplate")
	@Conditional(OnSingleRedisConnectionFactoryCondition.class)
	RetryingRedisTemplate<Object, Object> redisTemplate(RedisConnectionFactory connectionFactory, RedisRetry retry) {
		RetryingRedisTemplate<Object, Object> template = new RetryingRedisTemplate<>(retry);
		template.setConnectionFactory(connectionFactory);
		return template;
	}

	@Bean
	@ConditionalOnMissingBean
	@Conditional(OnSingleRedisConnectionFactoryCondition.class)
	StringRedisTemplate stringRedisTemplate(RedisConnectionFactory connectionFactory, RedisRetry retry) {
		return new RetryingStringRedisTemplate(connectionFactory, retry);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnProperty(prefix = "circuitbreaker.redis-client", name = "verify-on-startup", matchIfMissing = true)
	RedisStartupCheck redisStartupCheck(ObjectProvider<RedisConnectionFactory> connectionFactory) {
		return new RedisStartupCheck(connectionFactory::getIfUnique);
	}

}
