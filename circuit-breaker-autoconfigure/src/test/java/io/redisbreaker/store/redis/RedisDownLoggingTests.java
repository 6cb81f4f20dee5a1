package io.redisbreaker.store.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.redisbreaker.connection.RedisFailures;
import io.redisbreaker.testsupport.Await;
import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.WithRedisServer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * While Redis is down the log says so once, naming the real cause, and says when it is back; the
 * retries in between are debug output. And what failed to connect is remembered, so an operation that
 * only saw its own timeout can still be told why.
 */
@WithRedisServer
@ExtendWith(OutputCaptureExtension.class)
class RedisDownLoggingTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final Logger SUBSCRIBER_LOG = (Logger) LoggerFactory.getLogger(RedisTransitionSubscriber.class);

	private final List<AutoCloseable> closeables = new ArrayList<>();

	private @Nullable Level subscriberLevel;

	@AfterEach
	void close(RedisServer server) throws Exception {
		for (int i = this.closeables.size() - 1; i >= 0; i--) {
			this.closeables.get(i).close();
		}
		SUBSCRIBER_LOG.setLevel(this.subscriberLevel);
		if (!server.isRunning()) {
			server.start();
		}
	}

	@Test
	void theSubscriberWarnsOnceWhileItCannotSubscribeAndSaysWhenItDoes(RedisServer server, CapturedOutput output) {
		this.subscriberLevel = SUBSCRIBER_LOG.getLevel();
		SUBSCRIBER_LOG.setLevel(Level.DEBUG);
		server.stop();
		RedisTransitionSubscriber subscriber = new RedisTransitionSubscriber(connectionFactory(server),
				new BreakerKeys("cb:"), "me", (transition) -> {
				}, Duration.ofMillis(50));
		this.closeables.add(subscriber::destroy);
		subscriber.start();

		// Counts the failed attempts by their log lines, whatever their level.
		Await.until(WAIT, () -> lines(output, "subscribe to circuit breaker transitions").size() >= 6,
				"six failed attempts to subscribe");
		List<String> warnings = lines(output, " WARN ");
		assertThat(warnings).as("warnings while Redis is down").hasSize(1);
		// The real cause with its address, not "Unable to connect to Redis".
		assertThat(warnings.get(0)).contains("Could not subscribe to circuit breaker transitions")
			.contains("(Connection refused: ")
			.contains(":" + server.port() + ")");
		assertThat(lines(output, " DEBUG ")).anySatisfy((line) -> assertThat(line).contains("Still cannot subscribe"));

		server.start();
		Await.until(WAIT, subscriber::isListening, "the subscriber to listen once Redis is back");
		Await.until(WAIT, () -> !lines(output, " INFO ").isEmpty(), "the subscriber to say it subscribed");
		assertThat(lines(output, " INFO ").get(0)).contains("Subscribed to circuit breaker transitions")
			.contains("failed attempts");
		assertThat(lines(output, " WARN ")).hasSize(1);
	}

	@Test
	void aRefusedConnectionIsRememberedWithItsCause(RedisServer server) {
		server.stop();
		RedisBreakerStore store = store(server);
		assertThat(store.connectFailure()).isNull();

		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> store.ping().toCompletableFuture().get(10, TimeUnit.SECONDS));
		Throwable failure = store.connectFailure();
		assertThat(failure).isNotNull();
		assertThat(RedisFailures.describe(failure)).contains("Connection refused");
		// An operation gave up on (the breaker's timeout) may still learn why: waiting on the attempt
		// in progress gives its cause, never an exception.
		store.ping();
		assertThat(RedisFailures.describe(store.connectAttempt().toCompletableFuture().join()))
			.contains("Connection refused");

		server.start();
		Await.until(WAIT, () -> {
			store.ping().toCompletableFuture().orTimeout(1, TimeUnit.SECONDS).join();
			return true;
		}, "the store to reach Redis again");
		assertThat(store.connectFailure()).isNull();
	}

	@Test
	void aConnectionThatDropsRemembersWhyItCannotReconnect(RedisServer server) throws Exception {
		RedisBreakerStore store = store(server);
		store.ping().toCompletableFuture().get(5, TimeUnit.SECONDS);

		server.stop();
		// Lettuce reconnects on its own; its failures are what explains the timeouts of the meantime.
		Throwable failure = Await.value(WAIT, store::connectFailure, (cause) -> cause != null,
				"a failed reconnect to be remembered");
		assertThat(RedisFailures.describe(failure)).contains("Connection refused");

		server.start();
		Await.until(WAIT, () -> store.connectFailure() == null, "the reconnect to clear the failure");
	}

	private RedisBreakerStore store(RedisServer server) {
		LettuceConnectionFactory factory = connectionFactory(server);
		// As the auto-configuration connects: the factory's shared native connection.
		@SuppressWarnings("unchecked")
		RedisBreakerStore store = new RedisBreakerStore(() -> {
			try (RedisConnection connection = factory.getConnection()) {
				return (RedisClusterAsyncCommands<byte[], byte[]>) connection.getNativeConnection();
			}
		}, new BreakerKeys("cb:"), "me", RedisBreakerStore.DEFAULT_KEY_TTL);
		this.closeables.add(store::close);
		return store;
	}

	private LettuceConnectionFactory connectionFactory(RedisServer server) {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(server.host(), server.port()));
		factory.afterPropertiesSet();
		factory.start();
		this.closeables.add(factory::destroy);
		return factory;
	}

	/** Log lines of the subscriber (and the store) that contain {@code text}. */
	private static List<String> lines(CapturedOutput output, String text) {
		return output.getAll()
			.lines()
			.filter((line) -> line.contains("io.redisbreaker.store.redis") && line.contains(text))
			.toList();
	}

}
