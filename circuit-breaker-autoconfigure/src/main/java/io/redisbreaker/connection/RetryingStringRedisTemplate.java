package io.redisbreaker.connection;

import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The {@link StringRedisTemplate} counterpart of {@link RetryingRedisTemplate}.
 */
public class RetryingStringRedisTemplate extends StringRedisTemplate {

	private final RedisRetry retry;

	public RetryingStringRedisTemplate(RedisConnectionFactory connectionFactory, RedisRetry retry) {
		this.retry = retry;
		setConnectionFactory(connectionFactory);
		afterPropertiesSet();
	}

	@Override
	public <T extends @Nullable Object> T execute(RedisCallback<T> action, boolean exposeConnection,
			boolean pipeline) {
		return this.retry.execute(() -> super.execute(action, exposeConnection, pipeline));
	}

	@Override
	protected RedisConnection preProcessConnection(RedisConnection connection, boolean existingConnection) {
		return this.retry.track(super.preProcessConnection(connection, existingConnection), existingConnection);
	}

}
