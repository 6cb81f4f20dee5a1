package io.redisbreaker.connection;

import java.time.Duration;
import java.util.function.Predicate;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.RedisCommand;
import io.redisbreaker.autoconfigure.CircuitProtectedAutoConfiguration;
import io.redisbreaker.core.CircuitBreakerRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client options the starter applies, and that a user's own {@code spring.data.redis.*} settings
 * win over them. Nothing here needs to reach Redis.
 */
class LettuceHardeningTests {

	private static final String NO_STARTUP_CHECK = "circuitbreaker.redis-client.verify-on-startup=false";

	@Test
	void boundsEveryWaitByDefault() {
		RedisClientContexts.starter("localhost", 1).withPropertyValues(NO_STARTUP_CHECK).run((context) -> {
			LettuceConnectionFactory factory = context.getBean(LettuceConnectionFactory.class);
			assertThat(factory.getClientConfiguration().getCommandTimeout()).isEqualTo(Duration.ofSeconds(2));
			ClientOptions options = factory.getClientConfiguration().getClientOptions().orElseThrow();
			assertThat(options.getDisconnectedBehavior()).isEqualTo(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
			assertThat(options.getRequestQueueSize()).isEqualTo(10_000);
			assertThat(options.isAutoReconnect()).isTrue();
			SocketOptions socket = options.getSocketOptions();
			assertThat(socket.getConnectTimeout()).isEqualTo(Duration.ofSeconds(2));
			assertThat(socket.getKeepAlive().isEnabled()).isTrue();
			assertThat(socket.getKeepAlive().getIdle()).isEqualTo(Duration.ofSeconds(10));
			assertThat(socket.getKeepAlive().getInterval()).isEqualTo(Duration.ofSeconds(5));
			assertThat(socket.getTcpUserTimeout().isEnabled()).isEqualTo(LettuceHardening.tcpUserTimeoutSupported());
			assertThat(context.getBean("redisTemplate")).isInstanceOf(RetryingRedisTemplate.class);
			assertThat(context.getBean(StringRedisTemplate.class)).isInstanceOf(RetryingStringRedisTemplate.class);
		});
	}

	@Test
	void theUsersOwnSpringDataRedisSettingsWin() {
		RedisClientContexts.starter("localhost", 1)
			.withPropertyValues(NO_STARTUP_CHECK, "spring.data.redis.timeout=7s", "spring.data.redis.connect-timeout=3s")
			.run((context) -> {
				LettuceConnectionFactory factory = context.getBean(LettuceConnectionFactory.class);
				assertThat(factory.getClientConfiguration().getCommandTimeout()).isEqualTo(Duration.ofSeconds(7));
				ClientOptions options = factory.getClientConfiguration().getClientOptions().orElseThrow();
				assertThat(options.getSocketOptions().getConnectTimeout()).isEqualTo(Duration.ofSeconds(3));
			});
	}

	@Test
	void clusterTopologyIsRefreshedPeriodicallyUnlessTheUserSetAPeriod() {
		RedisClientContexts.starter("localhost", 1)
			.withPropertyValues(NO_STARTUP_CHECK, "spring.data.redis.cluster.nodes=localhost:1")
			.run((context) -> assertThat(clusterOptions(context.getBean(LettuceConnectionFactory.class))
				.getTopologyRefreshOptions()
				.getRefreshPeriod()).isEqualTo(Duration.ofSeconds(30)));
		RedisClientContexts.starter("localhost", 1)
			.withPropertyValues(NO_STARTUP_CHECK, "spring.data.redis.cluster.nodes=localhost:1",
					"spring.data.redis.lettuce.cluster.refresh.period=5s")
			.run((context) -> assertThat(clusterOptions(context.getBean(LettuceConnectionFactory.class))
				.getTopologyRefreshOptions()
				.getRefreshPeriod()).isEqualTo(Duration.ofSeconds(5)));
	}

	@Test
	void canBeSwitchedOffForSpringBootsOwnSetup() {
		RedisClientContexts.starter("localhost", 1)
			.withPropertyValues("circuitbreaker.redis-client.enabled=false")
			.run((context) -> {
				LettuceConnectionFactory factory = context.getBean(LettuceConnectionFactory.class);
				assertThat(factory.getClientConfiguration().getCommandTimeout()).isEqualTo(Duration.ofSeconds(60));
				assertThat(context.getBean("redisTemplate")).isExactlyInstanceOf(RedisTemplate.class);
				assertThat(context.getBean(StringRedisTemplate.class)).isExactlyInstanceOf(StringRedisTemplate.class);
				assertThat(context).doesNotHaveBean(RedisRetry.class);
			});
	}

	@Test
	void aUsersOwnTemplatesReplaceTheRetryingOnes() {
		RedisClientContexts.starter("localhost", 1)
			.withPropertyValues(NO_STARTUP_CHECK)
			.withUserConfiguration(UserTemplates.class)
			.run((context) -> {
				assertThat(context.getBean("redisTemplate")).isExactlyInstanceOf(RedisTemplate.class);
				assertThat(context.getBean(StringRedisTemplate.class)).isExactlyInstanceOf(StringRedisTemplate.class);
			});
	}

	@Test
	void backsOffLikeSpringBootWhenThereAreTwoConnectionFactoriesAndNoPrimary() {
		RedisClientContexts.starter("localhost", 1)
			.withConfiguration(AutoConfigurations.of(CircuitProtectedAutoConfiguration.class))
			.withUserConfiguration(TwoFactories.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(StringRedisTemplate.class);
				assertThat(context).doesNotHaveBean("redisTemplate");
				assertThat(context).doesNotHaveBean(CircuitBreakerRegistry.class);
			});
	}

	@Test
	void replaysOnlyCommandsThatCannotRunTwiceToADifferentEffect() {
		Predicate<RedisCommand<?, ?, ?>> notReplayable = LettuceHardening.notReplayable(true);
		assertThat(notReplayable.test(command(CommandType.GET))).isFalse();
		assertThat(notReplayable.test(command(CommandType.SETEX))).isFalse();
		assertThat(notReplayable.test(command(CommandType.INCR))).isTrue();
		assertThat(notReplayable.test(command(CommandType.EVALSHA))).isTrue();
		assertThat(notReplayable.test(command(CommandType.SET))).as("SET may carry NX").isTrue();
		assertThat(notReplayable.test(command(CommandType.PUBLISH))).isTrue();
		assertThat(notReplayable.test(null)).as("Lettuce's question about a failed batch write").isFalse();
	}

	@Test
	void aCommandThatIsNotReplayedFailsAtOnceInsteadOfWaitingForTheTimeout() {
		// Lettuce drops a command the filter matches without completing it.
		RedisCommand<?, ?, ?> get = command(CommandType.GET);
		LettuceHardening.notReplayable(true).test(get);
		assertThat(get.isDone()).as("a replayed command is left to Lettuce").isFalse();

		AsyncCommand<?, ?, ?> set = new AsyncCommand<>(command(CommandType.SET));
		LettuceHardening.notReplayable(true).test(set);
		assertThat(set).isCompletedExceptionally();
		Throwable notSent = failure(set);
		assertThat(notSent).hasMessageContaining("SET");
		assertThat(RedisFailures.classify(notSent)).as("commands in flight fail with the connection, so it was not sent")
			.isEqualTo(RedisFailures.Kind.NOT_SENT);

		AsyncCommand<?, ?, ?> incr = new AsyncCommand<>(command(CommandType.INCR));
		LettuceHardening.notReplayable(false).test(incr);
		assertThat(RedisFailures.classify(failure(incr)))
			.as("commands in flight are queued for replay while disconnected, so it may have run")
			.isEqualTo(RedisFailures.Kind.IN_DOUBT);
	}

	private static Throwable failure(AsyncCommand<?, ?, ?> command) {
		return command.handle((value, failure) -> failure).join();
	}

	private static RedisCommand<?, ?, ?> command(CommandType type) {
		return new Command<>(type, new StatusOutput<>(StringCodec.UTF8));
	}

	@Configuration(proxyBeanMethods = false)
	static class TwoFactories {

		@Bean
		LettuceConnectionFactory cacheRedis() {
			return new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", 1));
		}

		@Bean
		LettuceConnectionFactory sessionRedis() {
			return new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", 2));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserTemplates {

		@Bean
		RedisTemplate<Object, Object> redisTemplate(RedisConnectionFactory connectionFactory) {
			RedisTemplate<Object, Object> template = new RedisTemplate<>();
			template.setConnectionFactory(connectionFactory);
			return template;
		}

		@Bean
		StringRedisTemplate stringRedisTemplate(RedisConnectionFactory connectionFactory) {
			return new StringRedisTemplate(connectionFactory);
		}

	}

	private static ClusterClientOptions clusterOptions(LettuceConnectionFactory factory) {
		return (ClusterClientOptions) factory.getClientConfiguration().getClientOptions().orElseThrow();
	}

}
