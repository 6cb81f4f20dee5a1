package io.redisbreaker.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.redisbreaker.reliability.LoadedFault.Mode;
import io.redisbreaker.testsupport.Await;
import io.redisbreaker.testsupport.RedisCluster;
import io.redisbreaker.testsupport.RedisReplicaSet;
import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.RedisSentinels;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static io.redisbreaker.reliability.Figures.format;
import static io.redisbreaker.reliability.Figures.millis;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failover under load: {@value #PROCESSES} {@link HarnessProcess harness processes}, configured as a user
 * would ({@code spring.data.redis.sentinel.*} or {@code spring.data.redis.cluster.nodes}), run the load of
 * {@link LoadedFault} while the Redis master that holds their breakers changes: gracefully, or because it
 * was killed with SIGKILL. The checks are those of the chaos tests ({@link LoadedFault}); the time from the
 * fault until the new master is in place, as the topology reports it, is measured too. Every scenario runs
 * in both consistency modes, on breakers of its own.
 *
 * <p>"Redis" for the checks: a breaker's state is read on the current master (for the cluster, the master
 * that owns the slot of {@code cb:{name}}, which is hash-tagged), and {@code connected_clients} is summed
 * over every running server the fleet may be connected to (data nodes, and the sentinels).
 */
class FailoverReliabilityTests {

	private static final int PROCESSES = 3;

	private static final Duration WAIT = LoadedFault.WAIT;

	/** Room for a connection per process being opened or closed as the sum is read: 1 per process. */
	private static final int CLIENT_SLACK = PROCESSES;

	private static final List<String> SCENARIOS = List.of("graceful", "sigkill");

	/** Starts the fleet, each process with {@code connectionArgs} and every scenario's breakers. */
	private static List<HarnessProcess> startFleet(String name, List<String> connectionArgs) {
		List<HarnessProcess> fleet = new ArrayList<>();
		try {
			for (int i = 1; i <= PROCESSES; i++) {
				fleet.add(HarnessProcess.start(name + "-p" + i, connectionArgs, LoadedFault.breakerSettings(name, SCENARIOS)));
			}
			fleet.forEach(HarnessProcess::awaitReady);
			return fleet;
		}
		catch (RuntimeException | Error ex) {
			fleet.forEach(HarnessProcess::close);
			throw ex;
		}
	}

	private static long connectedClients(Stream<RedisServer> servers) {
		return servers.filter(RedisServer::isRunning)
			.mapToLong((s) -> Long.parseLong(s.info("clients").get("connected_clients")))
			.sum();
	}

	private static String since(long nanos) {
		return format(millis(System.nanoTime() - nanos));
	}

	/**
	 * A master and two replicas watched by three sentinels (quorum 2, {@code down-after-milliseconds}
	 * 1000): two replicas, so that after the first SIGKILL there is still one to promote.
	 */
	@Nested
	@TestInstance(TestInstance.Lifecycle.PER_CLASS)
	@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
	class Sentinel {

		private static final String MASTER = "mymaster";

		private @Nullable RedisReplicaSet servers;

		private @Nullable RedisSentinels sentinels;

		private List<HarnessProcess> fleet = List.of();

		private @Nullable LoadedFault loaded;

		@BeforeAll
		void start() {
			try {
				this.servers = RedisReplicaSet.start(2);
				this.sentinels = RedisSentinels.start(MASTER, this.servers, 3, 2);
				this.fleet = startFleet("sentinel", List.of("--spring.data.redis.sentinel.master=" + MASTER,
						"--spring.data.redis.sentinel.nodes=" + this.sentinels.nodes()));
			}
			catch (RuntimeException | Error ex) {
				stop();
				throw ex;
			}
			this.loaded = new LoadedFault("failover, sentinel", "sentinel", this.fleet, new LoadedFault.Redis() {

				@Override
				public @Nullable Object state(String breaker) {
					return master().command("HGET", "cb:{" + breaker + "}", "state");
				}

				@Override
				public long connectedClients() {
					return FailoverReliabilityTests.connectedClients(
							Stream.concat(servers().servers().stream(), sentinels().sentinels().stream()));
				}

			}, CLIENT_SLACK);
		}

		@AfterAll
		void stop() {
			this.fleet.forEach(HarnessProcess::close);
			if (this.sentinels != null) {
				this.sentinels.close();
			}
			if (this.servers != null) {
				this.servers.close();
			}
		}

		@Order(1)
		@ParameterizedTest
		@EnumSource(Mode.class)
		void sentinelFailoverUnderLoad(Mode mode) {
			String[] figures = { "" };
			loaded().run("graceful", mode, "SENTINEL FAILOVER " + MASTER + " (graceful: the master is demoted, a replica promoted)", () -> {
				int old = sentinels().masterPort();
				long began = System.nanoTime();
				// Refused (INPROG, NOGOODSLAVE) while the last failover's replicas are still resyncing.
				Await.until(WAIT, () -> "OK".equals(String.valueOf(sentinels().sentinels().get(0).command("SENTINEL", "FAILOVER", MASTER))),
						"a sentinel to accept SENTINEL FAILOVER " + MASTER);
				int port = sentinels().awaitNewMaster(old, WAIT);
				figures[0] = "new master (port " + old + " → " + port + ") in place " + since(began) + " ms after the fault began";
			}, () -> figures[0] + "; every process back on the shared state " + format(loaded().recoveredSinceFaultBegan()) + " ms after the fault began");
		}

		@Order(2)
		@ParameterizedTest
		@EnumSource(Mode.class)
		void sentinelMasterKilledUnderLoad(Mode mode) {
			String[] figures = { "" };
			loaded().run("sigkill", mode, "the master killed with SIGKILL; the sentinels elect a new one", () -> {
				RedisServer master = master();
				long began = System.nanoTime();
				master.kill();
				int port = sentinels().awaitNewMaster(master.port(), Duration.ofSeconds(30));
				figures[0] = "new master (port " + master.port() + " → " + port + ") in place " + since(began)
						+ " ms after the kill";
			}, () -> figures[0] + "; every process back on the shared state " + format(loaded().recoveredSinceFaultBegan()) + " ms after the fault began");
		}

		/** The server the sentinels name as master now. */
		private RedisServer master() {
			int port = sentinels().masterPort();
			return servers().servers().stream().filter((s) -> s.port() == port).findFirst().orElseThrow();
		}

		private RedisReplicaSet servers() {
			assertThat(this.servers).isNotNull();
			return this.servers;
		}

		private RedisSentinels sentinels() {
			assertThat(this.sentinels).isNotNull();
			return this.sentinels;
		}

		private LoadedFault loaded() {
			assertThat(this.loaded).isNotNull();
			return this.loaded;
		}

	}

	/**
	 * Three masters with a replica each ({@code cluster-node-timeout} 2000). A master killed is started
	 * again after its scenario: it comes back as a replica of its promoted one, so the next scenario has a
	 * replica to promote again.
	 */
	@Nested
	@TestInstance(TestInstance.Lifecycle.PER_CLASS)
	@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
	class Cluster {

		private @Nullable RedisCluster cluster;

		private List<HarnessProcess> fleet = List.of();

		private @Nullable LoadedFault loaded;

		@BeforeAll
		void start() {
			try {
				this.cluster = RedisCluster.start(3, 1);
				this.fleet = startFleet("cluster", List.of("--spring.data.redis.cluster.nodes=" + this.cluster.nodeAddresses()));
			}
			catch (RuntimeException | Error ex) {
				stop();
				throw ex;
			}
			this.loaded = new LoadedFault("failover, cluster", "cluster", this.fleet, new LoadedFault.Redis() {

				@Override
				public @Nullable Object state(String breaker) {
					String key = "cb:{" + breaker + "}";
					return cluster().node(cluster().masterPortForKey(key)).command("HGET", key, "state");
				}

				@Override
				public long connectedClients() {
					return FailoverReliabilityTests.connectedClients(cluster().nodes().stream());
				}

			}, CLIENT_SLACK);
		}

		@AfterAll
		void stop() {
			this.fleet.forEach(HarnessProcess::close);
			if (this.cluster != null) {
				this.cluster.close();
			}
		}

		@Order(1)
		@ParameterizedTest
		@EnumSource(Mode.class)
		void clusterFailoverUnderLoad(Mode mode) {
			String key = "cb:{" + loaded().breaker("graceful", mode) + "}";
			String[] figures = { "" };
			loaded().run("graceful", mode, "CLUSTER FAILOVER on the replica of the master owning the breaker's slot", () -> {
				int master = cluster().masterPortForKey(key);
				int replica = cluster().replicaPortsOf(master).get(0);
				long began = System.nanoTime();
				// Returns when the replica is a master every running node sees owning its slots.
				cluster().failover(replica, WAIT);
				figures[0] = "new master (port " + master + " → " + replica + ") in place " + since(began)
						+ " ms after the fault began";
			}, () -> figures[0] + "; every process back on the shared state " + format(loaded().recoveredSinceFaultBegan()) + " ms after the fault began");
		}

		@Order(2)
		@ParameterizedTest
		@EnumSource(Mode.class)
		void clusterMasterKilledUnderLoad(Mode mode) {
			String key = "cb:{" + loaded().breaker("sigkill", mode) + "}";
			String[] figures = { "" };
			@Nullable RedisServer[] killed = { null };
			try {
				loaded().run("sigkill", mode, "the master owning the breaker's slot killed with SIGKILL; its replica is promoted", () -> {
					int master = cluster().masterPortForKey(key);
					int replica = cluster().replicaPortsOf(master).get(0);
					killed[0] = cluster().node(master);
					long began = System.nanoTime();
					killed[0].kill();
					Await.until(Duration.ofSeconds(30), () -> "master".equals(cluster().node(replica).role())
							&& cluster().masterPortForKey(key) == replica,
							"replica " + replica + " to be promoted and own the slot of " + key);
					figures[0] = "new master (port " + master + " → " + replica + ") in place " + since(began)
							+ " ms after the kill";
				}, () -> figures[0] + "; every process back on the shared state " + format(loaded().recoveredSinceFaultBegan()) + " ms after the fault began");
			}
			finally {
				if (killed[0] != null && !killed[0].isRunning()) {
					// Back as a replica of its promoted one (its nodes.conf is kept), for the next scenario.
					killed[0].start();
					cluster().awaitStable(WAIT);
				}
			}
		}

		private RedisCluster cluster() {
			assertThat(this.cluster).isNotNull();
			return this.cluster;
		}

		private LoadedFault loaded() {
			assertThat(this.loaded).isNotNull();
			return this.loaded;
		}

	}

}
