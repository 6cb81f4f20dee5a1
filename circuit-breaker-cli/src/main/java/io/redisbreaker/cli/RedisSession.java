package io.redisbreaker.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.redisbreaker.connection.RedisFailures;
import io.redisbreaker.core.Failures;
import io.redisbreaker.store.redis.BreakerKeys;
import io.redisbreaker.store.redis.RedisBreakerStore;
import org.jspecify.annotations.Nullable;

/**
 * One command's connection to Redis, and the starter's own store on top of it, so every change the
 * CLI makes runs the very scripts the applications run. Everything is bounded by {@code --timeout}:
 * connecting, each answer, and Lettuce never reconnects behind the command's back (a command either
 * gets its answer or fails, it never hangs).
 */
final class RedisSession implements AutoCloseable {

	private final RedisURI uri;

	private final BreakerKeys keys;

	private final Duration timeout;

	private final ClientResources resources;

	private final RedisClient client;

	private final StatefulRedisConnection<byte[], byte[]> connection;

	private final RedisBreakerStore store;

	private RedisSession(RedisOptions options) {
		this.uri = options.uri();
		this.keys = options.keys();
		this.timeout = options.timeout();
		Duration keyTtl = options.keyTtl();
		int maxBreakers = options.maxBreakers();
		Path ca = options.caCertificate();
		Path certificate = options.certificate();
		Path key = options.key();
		// A command line tool needs no thread per core: two I/O threads serve one connection and a subscription.
		this.resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
		this.client = RedisClient.create(this.resources, this.uri);
		this.client.setOptions(clientOptions(this.timeout, ca, certificate, key));
		try {
			this.connection = this.client.connect(ByteArrayCodec.INSTANCE);
		}
		catch (RuntimeException ex) {
			shutdown();
			if (RedisErrors.isMissingDatabase(ex)) {
				// The server answered: it has no such database, which "cannot reach" would hide.
				throw new CliFailure(ExitCodes.REDIS_UNAVAILABLE, "Redis at " + target() + " has no database -n "
						+ this.uri.getDatabase() + " (" + RedisFailures.describe(Failures.unwrap(ex))
						+ "); expected a number below the server's 'databases' setting (16 by default)", ex);
			}
			throw RedisErrors.translate(ex, target(), this.keys);
		}
		this.store = new RedisBreakerStore(this.connection::async, this.keys, instanceId(), keyTtl, null, maxBreakers);
	}

	/** Connects, or fails with exit code 3 naming the server and why. */
	static RedisSession open(RedisOptions options) {
		return new RedisSession(options);
	}

	private static ClientOptions clientOptions(Duration timeout, @Nullable Path ca, @Nullable Path certificate,
			@Nullable Path key) {
		SslOptions.Builder ssl = SslOptions.builder().jdkSslProvider();
		if (ca != null) {
			ssl.trustManager(ca.toFile());
		}
		if (certificate != null && key != null) {
			ssl.keyManager(certificate.toFile(), key.toFile(), null);
		}
		return ClientOptions.builder()
			.autoReconnect(false)
			.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
			.socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
			.timeoutOptions(TimeoutOptions.enabled(timeout))
			.sslOptions(ssl.build())
			.build();
	}

	/**
	 * The origin the CLI's transitions carry in history and on the transition channel, so operators see
	 * that a person, not an instance, forced a breaker, and from which machine.
	 */
	private static String instanceId() {
		String host;
		try {
			host = InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			host = "unknown-host";
		}
		return "circuit-breaker-cli@" + host;
	}

	RedisBreakerStore store() {
		return this.store;
	}

	BreakerKeys keys() {
		return this.keys;
	}

	StatefulRedisConnection<byte[], byte[]> connection() {
		return this.connection;
	}

	Duration timeout() {
		return this.timeout;
	}

	/** A second connection, for SUBSCRIBE (a subscribed connection runs nothing else). */
	StatefulRedisPubSubConnection<String, String> subscribe() {
		try {
			return this.client.connectPubSub();
		}
		catch (RuntimeException ex) {
			throw RedisErrors.translate(ex, target(), this.keys);
		}
	}

	/** The server as messages name it: {@code 127.0.0.1:6379}, {@code rediss://cache:6380}. */
	String target() {
		String address = this.uri.getHost() + ":" + this.uri.getPort();
		return this.uri.isSsl() ? "rediss://" + address : address;
	}

	/** The server and prefix, for messages about what is not under them. */
	String where() {
		return target() + " (prefix '" + this.keys.prefix() + "')";
	}

	@Override
	public void close() {
		this.store.close();
		this.connection.close();
		shutdown();
	}

	private void shutdown() {
		this.client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
		this.resources.shutdown(0, 2, TimeUnit.SECONDS);
	}

}
