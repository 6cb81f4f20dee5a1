package io.redisbreaker.connection;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Re-establishes the shared connection when it cannot recover by itself, at most once per interval:
 * <ul>
 * <li>{@code READONLY}: the server behind the connection was demoted by a failover. The connection is
 * healthy at the TCP level, so Lettuce never reconnects; a new connection reaches the new master
 * through DNS or Sentinel.</li>
 * <li>a command timeout: the connection may be silently dead (a dropped NAT entry, a half-open TCP
 * connection). Lettuce does not reconnect on timeouts, and without {@code TCP_USER_TIMEOUT} the kernel
 * takes many minutes to notice.</li>
 * </ul>
 */
public final class ConnectionRecovery {

	private static final Log logger = LogFactory.getLog(ConnectionRecovery.class);

	private final Supplier<@Nullable RedisConnectionFactory> connectionFactory;

	private final long minIntervalNanos;

	private final boolean resetOnTimeout;

	private final AtomicLong lastReset = new AtomicLong(System.nanoTime() - Long.MAX_VALUE / 2);

	private final AtomicLong resets = new AtomicLong();

	/**
	 * @param connectionFactory the factory whose shared connection is reset; looked up when needed, and
	 * nothing is reset when there is none (or no single one)
	 * @param minInterval minimum time between two resets
	 * @param resetOnTimeout whether a command timeout resets the connection
	 */
	public ConnectionRecovery(Supplier<@Nullable RedisConnectionFactory> connectionFactory, Duration minInterval,
			boolean resetOnTimeout) {
		this.connectionFactory = connectionFactory;
		this.minIntervalNanos = minInterval.toNanos();
		this.resetOnTimeout = resetOnTimeout;
	}

	/** Looks at a failed attempt and resets the connection if the failure calls for it. */
	public void onFailure(Throwable failure) {
		if (RedisFailures.isReadOnly(failure)) {
			reset("Redis answered READONLY (the server was demoted by a failover)");
		}
		else if (this.resetOnTimeout && RedisFailures.isTimeout(failure)) {
			reset("a Redis command timed out (the connection may be silently dead)");
		}
	}

	/** How many times the connection was reset. */
	public long resets() {
		return this.resets.get();
	}

	private void reset(String why) {
		if (!(this.connectionFactory.get() instanceof LettuceConnectionFactory lettuce)) {
			return;
		}
		long now = System.nanoTime();
		long last = this.lastReset.get();
		// Single flight: of many threads failing at once, one resets; the others reuse its new connection.
		if (now - last < this.minIntervalNanos || !this.lastReset.compareAndSet(last, now)) {
			return;
		}
		this.resets.incrementAndGet();
		logger.warn("Resetting the Redis connection: " + why);
		lettuce.resetConnection();
	}

}
