package io.redisbreaker.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import io.redisbreaker.store.redis.BreakerAcl;
import io.redisbreaker.store.redis.BreakerKeys;
import io.redisbreaker.store.redis.RedisBreakerStore;
import io.redisbreaker.store.redis.RedisTransitionSubscriber;
import io.redisbreaker.testsupport.Await;
import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.TcpProxy;
import io.redisbreaker.testsupport.WithRedisServer;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The breaker's startup check exercises every command the breaker scripts use, so a Redis user who
 * may read but not write fails startup with a message naming what is missing, instead of passing and
 * then flapping at runtime; and it leaves nothing behind.
 */
@WithRedisServer(args = { "--requirepass", "secret" })
class BreakerStoreStartupCheckTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final String CHECK_KEY = "cb:{#startup-check}";

	@Test
	void aUserWithoutWriteCommandsFailsStartupNamingThem(RedisServer server) {
		server.command("ACL", "SETUSER", "reader", "reset", "on", ">pw", "~*", "&*", "+@all", "-@write");
		runner(server, "reader").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure())
				.hasMessageContaining("Redis does not permit the circuit breaker's commands")
				.hasMessageContaining("spring.data.redis.username")
				.hasMessageContaining("ACL SETUSER <user> ~cb:*")
				.message()
				.doesNotContain("credentials");
			assertThat(refused(context.getStartupFailure()))
				.contains("HSET", "HINCRBY", "HDEL", "LPUSH", "LTRIM", "ZADD", "ZREM", "ZREMRANGEBYSCORE", "DEL",
						"PEXPIRE", "PERSIST", "can't run this command")
				.doesNotContain("HMGET", "LRANGE", "ZCARD", "ZSCORE", "ZRANGEBYSCORE", "EXISTS", "PUBLISH", "TIME");
		});
	}

	@Test
	void aUserWhoMayNotPublishFailsStartupNamingTheChannel(RedisServer server) {
		server.command("ACL", "SETUSER", "deaf", "reset", "on", ">pw", "~*", "&other", "+@all");
		runner(server, "deaf").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(refused(context.getStartupFailure())).startsWith("PUBLISH (").contains("channel").doesNotContain(",");
			assertThat(context.getStartupFailure()).hasMessageContaining("channel 'cb:transitions'");
		});
	}

	@Test
	void aUserWithTheDocumentedPermissionsStartsAndTheCheckLeavesNothingBehind(RedisServer server) {
		// Exactly what the failure message and the README ask for.
		List<String> user = new ArrayList<>(List.of("ACL", "SETUSER", "breaker", "reset", "on", ">pw"));
		user.addAll(List.of(BreakerAcl.rules(new BreakerKeys("cb:")).split(" ")));
		server.command(user.toArray(String[]::new));
		runner(server, "breaker").run((context) -> {
			assertThat(context).hasNotFailed();
			Await.until(WAIT, context.getBean(RedisTransitionSubscriber.class)::isListening,
					"the transition subscriber to listen");
			assertThat(server.command("EXISTS", CHECK_KEY, CHECK_KEY + ":window", CHECK_KEY + ":streak",
					CHECK_KEY + ":permits", CHECK_KEY + ":events", CHECK_KEY + ":settings", "cb:index")).isEqualTo(0L);
		});
	}

	@Test
	void theCheckLeavesAnExistingIndexAsItWas(RedisServer server) {
		server.command("ZADD", "cb:index", "+inf", "upbit/kr/ticker");
		runner(server, "default").withPropertyValues("spring.data.redis.password=secret").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(server.command("ZRANGE", "cb:index", "0", "-1", "WITHSCORES"))
				.isEqualTo(List.of("upbit/kr/ticker", "inf"));
			assertThat(server.command("EXISTS", CHECK_KEY)).isEqualTo(0L);
		});
	}

	@Test
	void refusedCredentialsFailStartupEvenWhenTheHandshakeOutlastsTheCheck(RedisServer server) {
		// Seen once in CI: the check gave up on a slow first connection and startup went on with a wrong
		// password, which then failed every breaker operation at runtime.
		try (TcpProxy slow = TcpProxy.start(server)) {
			slow.delay(Duration.ofMillis(300));
			LettuceConnectionFactory factory = new LettuceConnectionFactory(
					new RedisStandaloneConfiguration(slow.host(), slow.port()));
			factory.setPassword("wrong");
			factory.afterPropertiesSet();
			factory.start();
			BreakerKeys keys = new BreakerKeys("cb:");
			// The handshake's round trip (600 ms) outlasts the check's bound (200 ms).
			BreakerStoreStartupCheck check = new BreakerStoreStartupCheck(
					() -> new RedisBreakerStore(nativeCommands(factory), keys, "slow", Duration.ofMinutes(1)), keys,
					Duration.ofMillis(200));
			try {
				assertThatIllegalStateException().isThrownBy(check::afterSingletonsInstantiated)
					.withMessageContaining("Redis refused the configured credentials")
					.withMessageContaining("WRONGPASS");
			}
			finally {
				factory.destroy();
			}
		}
	}

	@SuppressWarnings("unchecked")
	private static Supplier<RedisClusterAsyncCommands<byte[], byte[]>> nativeCommands(
			LettuceConnectionFactory factory) {
		return () -> {
			try (RedisConnection connection = factory.getConnection()) {
				return (RedisClusterAsyncCommands<byte[], byte[]>) connection.getNativeConnection();
			}
		};
	}

	/** The refused commands and reasons the failure message lists. */
	private static String refused(Throwable failure) {
		String message = failure.getMessage();
		return message.substring(message.indexOf("refused ") + "refused ".length(), message.indexOf(". The user needs"));
	}

	private static ApplicationContextRunner runner(RedisServer server, String user) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					RedisClientAutoConfiguration.class, CircuitBreakerAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.host=" + server.host(), "spring.data.redis.port=" + server.port(),
					"spring.data.redis.username=" + user, "spring.data.redis.password=pw");
	}

}
