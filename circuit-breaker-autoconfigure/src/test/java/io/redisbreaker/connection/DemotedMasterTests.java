package io.redisbreaker.connection;

import java.time.Duration;

import io.redisbreaker.core.CircuitBreakerRegistry;
import io.redisbreaker.core.CircuitState;
import io.redisbreaker.testsupport.Await;
import io.redisbreaker.testsupport.RedisReplicaSet;
import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A failover behind a DNS endpoint: the server the application writes to becomes a replica, and the
 * endpoint (a proxy here) sends new connections to the promoted server while open connections stay
 * on the old one.
 */
class DemotedMasterTests {

	private RedisServer oldMaster;

	private RedisServer newMaster;

	private TcpProxy endpoint;

	@BeforeEach
	void start() {
		this.oldMaster = RedisServer.startProcess();
		this.newMaster = RedisServer.startProcess();
		this.endpoint = TcpProxy.start(this.oldMaster);
	}

	@AfterEach
	void stop() {
		this.endpoint.close();
		this.oldMaster.close();
		this.newMaster.close();
	}

	private void failover() {
		RedisReplicaSet.demote(this.oldMaster, this.newMaster);
		this.endpoint.setTarget(this.newMaster);
		Await.until(Duration.ofSeconds(10), () -> this.oldMaster.role().equals("slave"), "the old master to be a replica");
	}

	@Test
	void writesSucceedAgainAfterOneConnectionReset() {
		RedisClientContexts.starter(this.endpoint.host(), this.endpoint.port()).run((context) -> {
			StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
			CircuitBreakerRegistry breakers = context.getBean(CircuitBreakerRegistry.class);
			redis.opsForValue().set("order:1", "paid");
			failover();
			int failed = 0;
			for (int i = 0; i < 20; i++) {
				try {
					redis.opsForValue().set("order:" + i, "paid");
				}
				catch (DataAccessException ex) {
					failed++;
				}
			}
			assertThat(failed).isZero();
			assertThat(context.getBean(ConnectionRecovery.class).resets()).isEqualTo(1);
			assertThat(this.newMaster.command("GET", "order:19")).isEqualTo("paid");
			// The breakers' own writes follow too.
			assertThat(breakers.circuitBreaker("payments").forceOpen()).isEqualTo(CircuitState.FORCED_OPEN);
			assertThat(this.newMaster.command("HGET", "cb:{payments}", "state")).isEqualTo("FORCED_OPEN");
			System.out.printf("Demoted master, starter: %d of 20 writes failed, %d connection reset(s)%n", failed,
					context.getBean(ConnectionRecovery.class).resets());
		});
	}

	@Test
	void springBootDefaultsKeepFailingWithReadOnly() {
		RedisClientContexts.plainBoot(this.endpoint.host(), this.endpoint.port()).run((context) -> {
			StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
			redis.opsForValue().set("order:1", "paid");
			failover();
			int failed = 0;
			for (int i = 0; i < 5; i++) {
				try {
					redis.opsForValue().set("order:" + i, "paid");
				}
				catch (DataAccessException ex) {
					assertThat(ex).hasStackTraceContaining("READONLY");
					failed++;
				}
			}
			assertThat(failed).isEqualTo(5);
		});
	}

}
