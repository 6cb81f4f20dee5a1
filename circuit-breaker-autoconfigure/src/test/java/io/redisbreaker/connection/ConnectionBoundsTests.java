package io.redisbreaker.connection;

import java.io.IOException;
import java.util.Arrays;

import io.redisbreaker.core.CircuitBreaker;
import io.redisbreaker.core.CircuitBreakerRegistry;
import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.WithRedisServer;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many breakers and many calls share a small, fixed number of connections (no growth like the source
 * incident's ever-rising client count).
 */
@WithRedisServer
class ConnectionBoundsTests {

	private final RedisServer server;

	ConnectionBoundsTests(RedisServer server) {
		this.server = server;
	}

	@Test
	void manyBreakersAndCallsUseAFewConnections() {
		RedisClientContexts.starter(this.server.host(), this.server.port()).run((context) -> {
			CircuitBreakerRegistry breakers = context.getBean(CircuitBreakerRegistry.class);
			StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
			for (int b = 0; b < 200; b++) {
				CircuitBreaker breaker = breakers.circuitBreaker("exchange-" + b + "/kr/ticker");
				for (int call = 0; call < 5; call++) {
					breaker.tryAcquirePermission().ifPresent((permit) -> permit.recordFailure(new IOException()));
				}
				redis.opsForValue().set("price:" + b, "1");
			}
			assertThat(breakers.getAllNames()).hasSize(200);
			long connections = Arrays.stream(((String) this.server.command("CLIENT", "LIST")).split("\n"))
				.filter((line) -> line.contains(" name=victim "))
				.count();
			// One shared command connection and one Pub/Sub connection for transitions.
			assertThat(connections).isBetween(1L, 3L);
		});
	}

}
