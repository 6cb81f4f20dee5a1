package io.redisbreaker.connection;

import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.connection.RedisConnection;

/**
 * A {@link RedisTemplate} whose operations survive killed, reset and silently dead connections and
 * failovers, within the bounds of a {@link RedisRetry}. Every {@code opsFor...()} call ends in
 * {@link #execute(RedisCallback, boolean, boolean)}, so all of them are covered.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public class RetryingRedisTemplate<K, V> extends RedisTemplate<K, V> {

	private final RedisRetry retry;

	public RetryingRedisTemplate(RedisRetry retry) {
		this.retry = retry;
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
