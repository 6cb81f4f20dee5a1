package io.redisbreaker.autoconfigure;

import java.time.Duration;

import io.redisbreaker.annotation.CircuitProtected;
import io.redisbreaker.core.CircuitBreakerRegistry;
import io.redisbreaker.core.BreakerStore;
import io.redisbreaker.store.FailoverBreakerStore;
import io.redisbreaker.store.redis.RedisTransitionSubscriber;
import io.redisbreaker.testsupport.Await;
import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.WithRedisServer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application started while Redis is down starts, lets the failure policy decide, and uses Redis
 * (state and transition messages) once it is back.
 */
@WithRedisServer
class RedisDownAtStartupTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@Test
	void startsWithoutTheRetryingClientToo(RedisServer server) {
		server.stop();
		startsAndRecovers(server, BreakerTestContexts.runner(server));
	}

	@Test
	void startsWithTheRetryingClient(RedisServer server) {
		server.stop();
		startsAndRecovers(server, BreakerTestContexts.runner(server)
			.withConfiguration(AutoConfigurations.of(RedisClientAutoConfiguration.class)));
	}

	private static void startsAndRecovers(RedisServer server, ApplicationContextRunner runner) {
		runner.withPropertyValues("circuitbreaker.redis-probe-interval=100ms")
			.withBean(LiteralService.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				FailoverBreakerStore store = (FailoverBreakerStore) context.getBean(BreakerStore.class);
				assertThat(context.getBean(LiteralService.class).call()).isEqualTo("called");
				assertThat(store.isRedisAvailable()).isFalse();

				server.start();
				Await.until(WAIT, store::isRedisAvailable, "Redis to be used again");
				context.getBean(CircuitBreakerRegistry.class).circuitBreaker(LiteralService.BREAKER).forceOpen();
				assertThat(server.command("HGET", "cb:{" + LiteralService.BREAKER + "}", "state"))
					.isEqualTo("FORCED_OPEN");
				Await.until(WAIT, context.getBean(RedisTransitionSubscriber.class)::isListening,
						"the transition subscriber to listen once Redis is back");
			});
	}

	static class LiteralService {

		static final String BREAKER = "startup/literal";

		@CircuitProtected(name = BREAKER)
		public String call() {
			return "called";
		}

	}

}
