package io.redisbreaker.connection;

import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.protocol.RedisCommand;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.EpollProvider;
import io.lettuce.core.resource.IOUringProvider;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientConfigurationBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration.LettuceClientConfigurationBuilder;

/**
 * Lettuce settings that bound every wait, applied through Spring Boot's customizers. Values the user
 * set through {@code spring.data.redis.*} win over these.
 */
public final class LettuceHardening
		implements LettuceClientOptionsBuilderCustomizer, LettuceClientConfigurationBuilderCustomizer,
		ClientResourcesBuilderCustomizer {

	/**
	 * Commands replayed after a reconnect by default: those whose second run changes neither data nor
	 * reply. Anything else in flight when a connection drops (increments, pushes, scripts, transactions,
	 * SET with conditions, which cannot be told apart from a plain SET here) fails instead of running twice.
	 */
	static final Set<String> REPLAYABLE_TYPES = Set.of("GET", "MGET", "EXISTS", "TYPE", "TTL", "PTTL", "STRLEN",
			"GETRANGE", "HGET", "HMGET", "HGETALL", "HKEYS", "HVALS", "HLEN", "HEXISTS", "LRANGE", "LLEN", "LINDEX",
			"SMEMBERS", "SISMEMBER", "SCARD", "ZRANGE", "ZRANGEBYSCORE", "ZREVRANGE", "ZREVRANGEBYSCORE", "ZSCORE",
			"ZCARD", "ZRANK", "ZREVRANK", "ZCOUNT", "PFCOUNT", "XRANGE", "XREVRANGE", "XLEN", "SCAN", "HSCAN", "SSCAN",
			"ZSCAN", "DBSIZE", "PING", "ECHO", "INFO", "TIME", "SETEX", "PSETEX", "MSET", "EXPIRE", "PEXPIRE",
			"EXPIREAT", "PEXPIREAT", "HELLO", "AUTH", "SELECT", "CLIENT", "READONLY", "READWRITE", "CLUSTER",
			"COMMAND");

	private final Options options;

	private final DataRedisProperties redis;

	public LettuceHardening(Options options, DataRedisProperties redis) {
		this.options = options;
		this.redis = redis;
	}

	/** Whether TCP_USER_TIMEOUT can be applied: it needs Netty's epoll or io_uring transport. */
	public static boolean tcpUserTimeoutSupported() {
		return EpollProvider.isAvailable() || IOUringProvider.isAvailable();
	}

	@Override
	public void customize(ClientOptions.Builder builder) {
		builder.socketOptions(socketOptions())
			.requestQueueSize(this.options.requestQueueSize())
			.disconnectedBehavior(this.options.rejectWhileDisconnected()
					? ClientOptions.DisconnectedBehavior.REJECT_COMMANDS : ClientOptions.DisconnectedBehavior.DEFAULT);
		if (!this.options.replayNonIdempotent()) {
			builder.replayFilter(notReplayable(this.options.rejectWhileDisconnected()));
		}
		if (builder instanceof ClusterClientOptions.Builder cluster) {
			cluster.topologyRefreshOptions(topologyRefresh());
		}
	}

	@Override
	public void customize(LettuceClientConfigurationBuilder builder) {
		if (this.redis.getTimeout() == null) {
			builder.commandTimeout(this.options.commandTimeout());
		}
	}

	@Override
	public void customize(ClientResources.Builder builder) {
		Duration min = this.options.reconnectMinDelay();
		Duration max = this.options.reconnectMaxDelay();
		builder.reconnectDelay(() -> Delay.fullJitter(min, max, Math.max(1, min.toMillis()),
				java.util.concurrent.TimeUnit.MILLISECONDS));
	}

	/**
	 * Replaces Boot's socket options (which carry only the connect timeout), so the connect timeout the
	 * user set is applied again here.
	 */
	SocketOptions socketOptions() {
		Duration connectTimeout = (this.redis.getConnectTimeout() != null) ? this.redis.getConnectTimeout()
				: this.options.connectTimeout();
		SocketOptions.Builder socket = SocketOptions.builder()
			.connectTimeout(connectTimeout)
			.keepAlive(SocketOptions.KeepAliveOptions.builder()
				.enable()
				.idle(this.options.keepAliveIdle())
				.interval(this.options.keepAliveInterval())
				.count(this.options.keepAliveCount())
				.build());
		if (tcpUserTimeoutSupported()) {
			socket.tcpUserTimeout(SocketOptions.TcpUserTimeoutOptions.builder()
				.enable()
				.tcpUserTimeout(this.options.tcpUserTimeout())
				.build());
		}
		return socket.build();
	}

	ClusterTopologyRefreshOptions topologyRefresh() {
		DataRedisProperties.Lettuce.Cluster.Refresh refresh = this.redis.getLettuce().getCluster().getRefresh();
		Duration period = (refresh.getPeriod() != null) ? refresh.getPeriod() : this.options.clusterRefreshPeriod();
		// Adaptive triggers (MOVED, ASK, persistent reconnects, unknown nodes) are on by default in Lettuce 7.
		return ClusterTopologyRefreshOptions.builder()
			.enablePeriodicRefresh(period)
			.dynamicRefreshSources(refresh.isDynamicRefreshSources())
			.build();
	}

	/**
	 * The replay filter: true for a command that must not be replayed, which it also fails at once.
	 * Lettuce drops a command its replay filter matches without completing it, so its caller would wait
	 * out the whole command timeout. That happens to any command written while the server closes the
	 * connection: the endpoint still looks connected, the write reaches the channel after it closed,
	 * and Lettuce's write listener asks this filter whether to queue the command again. Such a command
	 * never reached the server; failing it lets the retry run it again on the new connection.
	 * @param rejectWhileDisconnected whether commands are rejected while disconnected: every command in
	 * flight then fails with the connection before any replay, so what this filter sees (a write that
	 * failed, a write that found the connection gone) was surely never sent; otherwise commands in
	 * flight are queued for replay, and a failed replay write brings them here though they may have run
	 */
	static Predicate<RedisCommand<?, ?, ?>> notReplayable(boolean rejectWhileDisconnected) {
		return (command) -> {
			if (command == null) {
				// Lettuce passes no command for a failed batch write; it asks again for each command it requeues.
				return false;
			}
			if (isReplayable(command)) {
				return false;
			}
			String name = (command.getType() != null) ? command.getType().toString() : "a command";
			command.completeExceptionally(rejectWhileDisconnected ? CommandNotReplayedException.notSent(name)
					: CommandNotReplayedException.mayHaveRun(name));
			return true;
		};
	}

	/** Whether a command may run twice to no different effect, so Lettuce may replay it. */
	static boolean isReplayable(RedisCommand<?, ?, ?> command) {
		return command.getType() != null
				&& REPLAYABLE_TYPES.contains(command.getType().toString().toUpperCase(Locale.ROOT));
	}

	/**
	 * Immutable hardening options; {@link #DEFAULTS} names every default in one place.
	 *
	 * @param commandTimeout command timeout when spring.data.redis.timeout is not set
	 * @param connectTimeout connect timeout when spring.data.redis.connect-timeout is not set
	 * @param keepAliveIdle idle time before TCP keepalive probes start
	 * @param keepAliveInterval time between keepalive probes
	 * @param keepAliveCount unanswered probes after which the connection is dead
	 * @param tcpUserTimeout TCP_USER_TIMEOUT, where a native transport allows it
	 * @param reconnectMinDelay lower bound of the jittered reconnect delay
	 * @param reconnectMaxDelay upper bound of the jittered reconnect delay
	 * @param requestQueueSize commands a connection may queue
	 * @param rejectWhileDisconnected whether commands fail at once while disconnected
	 * @param replayNonIdempotent whether non-idempotent commands are replayed after a reconnect
	 * @param clusterRefreshPeriod periodic cluster topology refresh when Boot's property is not set
	 */
	public record Options(Duration commandTimeout, Duration connectTimeout, Duration keepAliveIdle,
			Duration keepAliveInterval, int keepAliveCount, Duration tcpUserTimeout, Duration reconnectMinDelay,
			Duration reconnectMaxDelay, int requestQueueSize, boolean rejectWhileDisconnected,
			boolean replayNonIdempotent, Duration clusterRefreshPeriod) {

		public static final Options DEFAULTS = new Options(Duration.ofSeconds(2), Duration.ofSeconds(2),
				Duration.ofSeconds(10), Duration.ofSeconds(5), 3, Duration.ofSeconds(10), Duration.ofMillis(10),
				Duration.ofSeconds(1), 10_000, true, false, Duration.ofSeconds(30));

	}

}
