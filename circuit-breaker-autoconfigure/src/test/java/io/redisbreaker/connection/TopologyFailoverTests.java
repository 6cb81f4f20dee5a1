package io.redisbreaker.connection;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;

import io.redisbreaker.core.CircuitBreaker;
import io.redisbreaker.core.CircuitBreakerRegistry;
import io.redisbreaker.core.CircuitState;
import io.redisbreaker.core.BreakerStore;
import io.redisbreaker.store.FailoverBreakerStore;
import io.redisbreaker.testsupport.Await;
import io.redisbreaker.testsupport.RedisCluster;
import io.redisbreaker.testsupport.RedisReplicaSet;
import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.RedisSentinels;
import org.junit.jupiter.api.Test;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failovers in the topologies that have them: Sentinel promotes a replica when the master dies; a
 * Redis Cluster replica takes over its master's slots.
 */
class TopologyFailoverTests {

	@Test
	void sentinelFailoverResumesApplicationAndBreakerWrites() {
		try (RedisReplicaSet servers = RedisReplicaSet.start(1);
				RedisSentinels sentinels = RedisSentinels.start("mymaster", servers, 3, 2)) {
			RedisClientContexts.starter("unused", 0)
				.withPropertyValues("spring.data.redis.sentinel.master=mymaster",
						"spring.data.redis.sentinel.nodes=" + sentinels.nodes())
				.run((context) -> {
					StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
					CircuitBreakerRegistry breakers = context.getBean(CircuitBreakerRegistry.class);
					redis.opsForValue().set("before", "1");
					breakers.circuitBreaker("payments").acquirePermission().recordSuccess();

					long killed = System.nanoTime();
					servers.master().kill();
					Await.until(Duration.ofSeconds(30), () -> writes(redis), "application writes after the failover");
					Duration applicationBack = Duration.ofNanos(System.nanoTime() - killed);
					int newMaster = sentinels.awaitNewMaster(Duration.ofSeconds(10));
					assertThat(newMaster).isNotEqualTo(servers.master().port());

					FailoverBreakerStore store = (FailoverBreakerStore) context.getBean(BreakerStore.class);
					Await.until(Duration.ofSeconds(15), store::isRedisAvailable, "the breakers to use Redis again");
					assertThat(breakers.circuitBreaker("payments").forceOpen()).isEqualTo(CircuitState.FORCED_OPEN);
					Duration breakersBack = Duration.ofNanos(System.nanoTime() - killed);
					System.out.printf("Sentinel failover: application writes resumed after %d ms, breaker writes after %d ms%n",
							applicationBack.toMillis(), breakersBack.toMillis());
					// down-after 1 s plus election and promotion, plus a few seconds.
					assertThat(applicationBack).isLessThan(Duration.ofSeconds(15));
				});
		}
	}

	@Test
	void breakersWorkOnAClusterAndSurviveAClusterFailover() {
		try (RedisCluster cluster = RedisCluster.start(3, 1)) {
			RedisClientContexts.starter("unused", 0)
				.withPropertyValues("spring.data.redis.cluster.nodes=" + cluster.nodeAddresses())
				.run((context) -> {
					StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
					CircuitBreakerRegistry breakers = context.getBean(CircuitBreakerRegistry.class);
					CircuitBreaker breaker = breakers.circuitBreaker("upbit/kr/ticker");
					for (int i = 0; i < 5; i++) {
						breaker.acquirePermission().recordFailure(new IOException("exchange down"));
					}
					assertThat(breaker.getState()).isEqualTo(CircuitState.OPEN);
					int master = cluster.masterPortForKey("cb:{upbit/kr/ticker}");
					assertThat(cluster.node(master).command("HGET", "cb:{upbit/kr/ticker}", "state")).isEqualTo("OPEN");
					// The index lives in another slot: listed by the instance, not by the scripts, and
					// breakers on different nodes are read together.
					String elsewhere = IntStream.range(0, 100)
						.mapToObj((i) -> "exchange" + i + "/kr/ticker")
						.filter((name) -> cluster.masterPortForKey("cb:{" + name + "}") != master)
						.findFirst()
						.orElseThrow();
					breakers.circuitBreaker(elsewhere).executeSupplier(() -> "ok");
					Await.until(Duration.ofSeconds(10),
							() -> breakers.getAllNames().containsAll(List.of("upbit/kr/ticker", elsewhere)),
							"both names listed on the cluster");
					Await.until(Duration.ofSeconds(10), () -> breakers.snapshot(elsewhere).calls() == 1,
							"the outcome on the other node to count");
					assertThat(breakers.snapshots(List.of("upbit/kr/ticker", elsewhere)).toCompletableFuture().join())
						.hasEntrySatisfying("upbit/kr/ticker",
								(snapshot) -> assertThat(snapshot.state()).isEqualTo(CircuitState.OPEN))
						.hasEntrySatisfying(elsewhere, (snapshot) -> assertThat(snapshot.calls()).isEqualTo(1));
					assertThat(breakers.relist(Duration.ofMinutes(1)).toCompletableFuture().join()).isNull();
					// An operator command pins a forced breaker in the index, which its script cannot write here.
					RedisServer indexNode = cluster.node(cluster.masterPortForKey("cb:index"));
					breakers.circuitBreaker(elsewhere).forceOpen();
					assertThat(indexNode.command("ZSCORE", "cb:index", elsewhere)).isEqualTo("inf");
					breakers.circuitBreaker(elsewhere).forceClose();
					assertThat(indexNode.command("ZSCORE", "cb:index", elsewhere)).isNotEqualTo("inf").isNotNull();

					List<Integer> replicas = cluster.replicaPortsOf(master);
					cluster.failover(replicas.get(0), Duration.ofSeconds(20));
					int errors = 0;
					for (int i = 0; i < 50; i++) {
						try {
							redis.opsForValue().set("{upbit/kr/ticker}:price:" + i, "100");
							breaker.reset();
							breaker.acquirePermission().recordSuccess();
						}
						catch (DataAccessException ex) {
							errors++;
						}
					}
					assertThat(errors).as("errors past the retry budget").isZero();
					assertThat(cluster.masterPortForKey("cb:{upbit/kr/ticker}")).isEqualTo(replicas.get(0));
					// The last success is counted at the next flush.
					Await.until(Duration.ofSeconds(10), () -> breaker.getSnapshot().calls() == 1, "the last call counted");
				});
		}
	}

	/**
	 * The availability probe's PING must not answer for a cluster whose master of a breaker's slot is dead:
	 * a PING to any live node did, so each probe put Redis back and the next call to the dead master's
	 * slots took it out again, once a probe interval until the replica was promoted.
	 */
	@Test
	void theProbeFailsWhileAMasterOfTheBreakersSlotsIsDeadAndAnswersOnceItsReplicaTookOver() {
		try (RedisCluster cluster = RedisCluster.start(3, 1)) {
			RedisClientContexts.starter("unused", 0)
				.withPropertyValues("spring.data.redis.cluster.nodes=" + cluster.nodeAddresses())
				.run((context) -> {
					FailoverBreakerStore store = (FailoverBreakerStore) context.getBean(BreakerStore.class);
					store.ping().toCompletableFuture().get(5, TimeUnit.SECONDS);
					// Not the first seed node, where a plain PING goes.
					RedisServer master = cluster.masters().get(1);
					int replica = cluster.replicaPortsOf(master.port()).get(0);
					master.kill();
					// Until the replica takes over, the dead master's slots fail every breaker there.
					List<String> answered = new ArrayList<>();
					long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
					int pings = 0;
					while (!"master".equals(cluster.node(replica).role())) {
						assertThat(System.nanoTime() - deadline).as("the replica promoted within 30 s").isNegative();
						pings++;
						try {
							store.ping().toCompletableFuture().get(5, TimeUnit.SECONDS);
							answered.add("PING " + pings + " answered");
						}
						catch (ExecutionException | TimeoutException ex) {
							// Not available: as it should be.
						}
						Thread.sleep(100); // paces the PINGs, as the probe interval does
					}
					assertThat(pings).as("PINGs sent before the promotion").isPositive();
					assertThat(answered).as("PINGs answered with a master of the breakers' slots dead").isEmpty();
					Await.until(Duration.ofSeconds(30), () -> {
						store.ping().toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).join();
						return true;
					}, "PING to answer once the replica serves the dead master's slots");
				});
		}
	}

	private static boolean writes(StringRedisTemplate redis) {
		try {
			redis.opsForValue().set("after", "1");
			return true;
		}
		catch (DataAccessException ex) {
			return false;
		}
	}

}
