package io.redisbreaker.autoconfigure;

import java.time.Duration;

import io.redisbreaker.store.redis.InstanceIdGuard;
import io.redisbreaker.testsupport.Await;
import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.WithRedisServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A configured instance id is guarded against a second live instance using it; a generated one needs
 * no guard.
 */
@WithRedisServer
class InstanceIdGuardAutoConfigurationTests {

	// The holder hears of a contender at its next refresh, at most one refresh interval later.
	private static final Duration WAIT = InstanceIdGuard.DEFAULT_REFRESH_INTERVAL.plusSeconds(10);

	@Test
	void twoApplicationsWithTheSameConfiguredIdAreReported(RedisServer server) {
		BreakerTestContexts.runner(server).withPropertyValues("circuitbreaker.instance-id=shop-1").run((first) -> {
			Await.until(WAIT, () -> Long.valueOf(1).equals(server.command("EXISTS", "cb:instance:shop-1")),
					"the first application to hold its instance key");
			BreakerTestContexts.runner(server).withPropertyValues("circuitbreaker.instance-id=shop-1").run((second) -> {
				assertThat(second).hasNotFailed();
				Await.until(WAIT, first.getBean(InstanceIdGuard.class)::isDuplicate,
						"the first application to notice the second");
			});
		});
		// Each released what it held on shutdown.
		assertThat(server.command("EXISTS", "cb:instance:shop-1")).isEqualTo(0L);
	}

	@Test
	void aGeneratedIdIsNotGuarded(RedisServer server) {
		BreakerTestContexts.runner(server)
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(InstanceIdGuard.class));
	}

}
