package io.redisbreaker.autoconfigure;

import io.redisbreaker.connection.LettuceHardening;
import io.redisbreaker.connection.RedisRetry;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Hardening of every Redis connection the application makes through Spring Data Redis (its
 * {@code RedisTemplate}s and the circuit breakers), under {@code circuitbreaker.redis-client}. Where
 * Spring Boot has a property of its own ({@code spring.data.redis.timeout},
 * {@code spring.data.redis.connect-timeout}, {@code spring.data.redis.lettuce.cluster.refresh.period}),
 * a value set there wins; the values here replace only Lettuce's defaults.
 */
@ConfigurationProperties("circuitbreaker.redis-client")
public class RedisClientProperties {

	/** Whether the Redis client hardening is applied at all. */
	private boolean enabled = true;

	/**
	 * Command timeout when spring.data.redis.timeout is not set (Lettuce's default is 60 s, long enough
	 * for a dead connection to hold requests for a minute).
	 */
	private Duration commandTimeout = LettuceHardening.Options.DEFAULTS.commandTimeout();

	/** Connect timeout when spring.data.redis.connect-timeout is not set (Lettuce's default is 10 s). */
	private Duration connectTimeout = LettuceHardening.Options.DEFAULTS.connectTimeout();

	/** Idle time before TCP keepalive probes start on an idle connection. */
	private Duration keepAliveIdle = LettuceHardening.Options.DEFAULTS.keepAliveIdle();

	/** Time between TCP keepalive probes. */
	private Duration keepAliveInterval = LettuceHardening.Options.DEFAULTS.keepAliveInterval();

	/** Unanswered keepalive probes after which the connection is considered dead. */
	private int keepAliveCount = LettuceHardening.Options.DEFAULTS.keepAliveCount();

	/**
	 * TCP_USER_TIMEOUT: how long sent data may stay unacknowledged before the kernel drops the
	 * connection. Applied only where Netty's epoll or io_uring transport is on the classpath (Linux).
	 */
	private Duration tcpUserTimeout = LettuceHardening.Options.DEFAULTS.tcpUserTimeout();

	/** Lower bound of the jittered reconnect delay. */
	private Duration reconnectMinDelay = LettuceHardening.Options.DEFAULTS.reconnectMinDelay();

	/**
	 * Upper bound of the jittered reconnect delay (Lettuce's default grows to 30 s, which delays
	 * recovery long after a server is back).
	 */
	private Duration reconnectMaxDelay = LettuceHardening.Options.DEFAULTS.reconnectMaxDelay();

	/** Commands a connection may queue; beyond it commands fail at once instead of piling up memory. */
	private int requestQueueSize = LettuceHardening.Options.DEFAULTS.requestQueueSize();

	/**
	 * Whether commands fail at once while the connection is down, instead of waiting in memory for a
	 * reconnect that may not come (they are retried by the retry below).
	 */
	private boolean rejectWhileDisconnected = LettuceHardening.Options.DEFAULTS.rejectWhileDisconnected();

	/**
	 * Whether commands in flight when a connection drops are replayed after the reconnect even if they
	 * are not idempotent (INCR, LPUSH, PUBLISH...), at the risk of running twice. By default they fail
	 * at once instead, and the retry decides whether running them again is safe.
	 */
	private boolean replayNonIdempotent = LettuceHardening.Options.DEFAULTS.replayNonIdempotent();

	/** Whether a command timeout resets the connection, which may be silently dead. */
	private boolean resetOnTimeout = true;

	/** Minimum time between two connection resets (after READONLY or a timeout). */
	private Duration minResetInterval = Duration.ofSeconds(1);

	/**
	 * Periodic cluster topology refresh when spring.data.redis.lettuce.cluster.refresh.period is not
	 * set; adaptive refresh (on MOVED, ASK, reconnects) is always on.
	 */
	private Duration clusterRefreshPeriod = LettuceHardening.Options.DEFAULTS.clusterRefreshPeriod();

	/**
	 * Whether Redis is checked at startup: refused credentials or permissions fail startup with a clear
	 * message; an unreachable Redis only logs a warning.
	 */
	private boolean verifyOnStartup = true;

	/** The Lettuce options these properties describe. */
	public LettuceHardening.Options toOptions() {
		return new LettuceHardening.Options(this.commandTimeout, this.connectTimeout, this.keepAliveIdle,
				this.keepAliveInterval, this.keepAliveCount, this.tcpUserTimeout, this.reconnectMinDelay,
				this.reconnectMaxDelay, this.requestQueueSize, this.rejectWhileDisconnected, this.replayNonIdempotent,
				this.clusterRefreshPeriod);
	}

	/** Retries of failed Redis operations. */
	private final Retry retry = new Retry();

	/** Retry settings; defaults follow the source incident's fix (0.1 s, 0.2 s, 0.4 s). */
	public static class Retry {

		/** Whether failed operations are retried. */
		private boolean enabled = true;

		/** Retries after the first attempt. */
		private int maxRetries = RedisRetry.RetrySettings.DEFAULTS.maxRetries();

		/** Delay before the first retry. */
		private Duration delay = RedisRetry.RetrySettings.DEFAULTS.delay();

		/** Growth of the delay per retry. */
		private double multiplier = RedisRetry.RetrySettings.DEFAULTS.multiplier();

		/** Upper bound of the delay between retries. */
		private Duration maxDelay = RedisRetry.RetrySettings.DEFAULTS.maxDelay();

		/** Random variation of each delay, so instances do not retry in lockstep. */
		private Duration jitter = RedisRetry.RetrySettings.DEFAULTS.jitter();

		public RedisRetry.RetrySettings toSettings() {
			if (this.maxRetries < 0) {
				throw new IllegalStateException(
						"circuitbreaker.redis-client.retry.max-retries must be 0 or more but was " + this.maxRetries);
			}
			return new RedisRetry.RetrySettings(this.enabled ? this.maxRetries : 0, this.delay, this.multiplier,
					this.maxDelay, this.jitter);
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getMaxRetries() {
			return this.maxRetries;
		}

		public void setMaxRetries(int maxRetries) {
			this.maxRetries = maxRetries;
		}

		public Duration getDelay() {
			return this.delay;
		}

		public void setDelay(Duration delay) {
			this.delay = delay;
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
		}

		public Duration getMaxDelay() {
			return this.maxDelay;
		}

		public void setMaxDelay(Duration maxDelay) {
			this.maxDelay = maxDelay;
		}

		public Duration getJitter() {
			return this.jitter;
		}

		public void setJitter(Duration jitter) {
			this.jitter = jitter;
		}

	}

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getCommandTimeout() {
		return this.commandTimeout;
	}

	public void setCommandTimeout(Duration commandTimeout) {
		this.commandTimeout = commandTimeout;
	}

	public Duration getConnectTimeout() {
		return this.connectTimeout;
	}

	public void setConnectTimeout(Duration connectTimeout) {
		this.connectTimeout = connectTimeout;
	}

	public Duration getKeepAliveIdle() {
		return this.keepAliveIdle;
	}

	public void setKeepAliveIdle(Duration keepAliveIdle) {
		this.keepAliveIdle = keepAliveIdle;
	}

	public Duration getKeepAliveInterval() {
		return this.keepAliveInterval;
	}

	public void setKeepAliveInterval(Duration keepAliveInterval) {
		this.keepAliveInterval = keepAliveInterval;
	}

	public int getKeepAliveCount() {
		return this.keepAliveCount;
	}

	public void setKeepAliveCount(int keepAliveCount) {
		this.keepAliveCount = keepAliveCount;
	}

	public Duration getTcpUserTimeout() {
		return this.tcpUserTimeout;
	}

	public void setTcpUserTimeout(Duration tcpUserTimeout) {
		this.tcpUserTimeout = tcpUserTimeout;
	}

	public Duration getReconnectMinDelay() {
		return this.reconnectMinDelay;
	}

	public void setReconnectMinDelay(Duration reconnectMinDelay) {
		this.reconnectMinDelay = reconnectMinDelay;
	}

	public Duration getReconnectMaxDelay() {
		return this.reconnectMaxDelay;
	}

	public void setReconnectMaxDelay(Duration reconnectMaxDelay) {
		this.reconnectMaxDelay = reconnectMaxDelay;
	}

	public int getRequestQueueSize() {
		return this.requestQueueSize;
	}

	public void setRequestQueueSize(int requestQueueSize) {
		this.requestQueueSize = requestQueueSize;
	}

	public boolean isRejectWhileDisconnected() {
		return this.rejectWhileDisconnected;
	}

	public void setRejectWhileDisconnected(boolean rejectWhileDisconnected) {
		this.rejectWhileDisconnected = rejectWhileDisconnected;
	}

	public boolean isReplayNonIdempotent() {
		return this.replayNonIdempotent;
	}

	public void setReplayNonIdempotent(boolean replayNonIdempotent) {
		this.replayNonIdempotent = replayNonIdempotent;
	}

	public boolean isResetOnTimeout() {
		return this.resetOnTimeout;
	}

	public void setResetOnTimeout(boolean resetOnTimeout) {
		this.resetOnTimeout = resetOnTimeout;
	}

	public Duration getMinResetInterval() {
		return this.minResetInterval;
	}

	public void setMinResetInterval(Duration minResetInterval) {
		this.minResetInterval = minResetInterval;
	}

	public Duration getClusterRefreshPeriod() {
		return this.clusterRefreshPeriod;
	}

	public void setClusterRefreshPeriod(Duration clusterRefreshPeriod) {
		this.clusterRefreshPeriod = clusterRefreshPeriod;
	}

	public boolean isVerifyOnStartup() {
		return this.verifyOnStartup;
	}

	public void setVerifyOnStartup(boolean verifyOnStartup) {
		this.verifyOnStartup = verifyOnStartup;
	}

	public Retry getRetry() {
		return this.retry;
	}

}
