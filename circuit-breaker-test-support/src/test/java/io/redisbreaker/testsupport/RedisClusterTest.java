package io.redisbreaker.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisClusterTest {

	@Test
	void slotsMatchClusterKeyslot() {
		// Reference values from CLUSTER KEYSLOT.
		assertThat(RedisCluster.slot("123456789")).isEqualTo(12739);
		assertThat(RedisCluster.slot("foo")).isEqualTo(12182);
		assertThat(RedisCluster.slot("{user1000}.following"))
				.isEqualTo(RedisCluster.slot("{user1000}.followers"))
				.isEqualTo(RedisCluster.slot("user1000"));
	}

	@Test
	void formsServesKeysAndFailsOver() {
		try (RedisCluster cluster = RedisCluster.start(3, 1)) {
			assertThat(cluster.nodePorts()).hasSize(6).doesNotHaveDuplicates().doesNotContain(6379);
			assertThat(cluster.masters()).hasSize(3).allSatisfy(m -> assertThat(m.role()).isEqualTo("master"));
			assertThat(cluster.replicas()).hasSize(3).allSatisfy(r -> assertThat(r.role()).isEqualTo("slave"));

			for (RedisServer node : cluster.nodes()) {
				for (String key : List.of("foo", "bar", "123456789", "foo{}{bar}", "foo{bar}{zap}", "{user1000}.x", "ключ")) {
					assertThat(node.command("CLUSTER", "KEYSLOT", key)).isEqualTo((long) RedisCluster.slot(key));
				}
			}

			String key = "breaker:state";
			int masterPort = cluster.masterPortForKey(key);
			RedisServer master = cluster.node(masterPort);
			assertThat(master.command("SET", key, "OPEN")).isEqualTo("OK");
			assertThat(master.command("GET", key)).isEqualTo("OPEN");
			RedisServer other = cluster.masters().stream().filter(m -> m.port() != masterPort)
					.findFirst().orElseThrow();
			assertThatThrownBy(() -> other.command("GET", key))
					.isInstanceOfSatisfying(RespErrorException.class,
							e -> assertThat(e.getMessage()).startsWith("MOVED " + RedisCluster.slot(key) + " ")
									.endsWith(":" + masterPort));

			List<Integer> replicaPorts = cluster.replicaPortsOf(masterPort);
			assertThat(replicaPorts).hasSize(1);
			int replicaPort = replicaPorts.get(0);
			RedisServer replica = cluster.node(replicaPort);
			Await.until(Duration.ofSeconds(5), () -> {
				try (RespClient client = replica.client()) {
					client.command("READONLY");
					return "OPEN".equals(client.command("GET", key));
				}
			}, "the replica to hold the key");

			cluster.failover(replicaPort, Duration.ofSeconds(15));

			assertThat(cluster.masterPortForKey(key)).isEqualTo(replicaPort);
			assertThat(replica.role()).isEqualTo("master");
			assertThat(replica.command("GET", key)).isEqualTo("OPEN");
			Await.until(Duration.ofSeconds(10), () -> "slave".equals(master.role()),
					"the old master to become a replica");
			Await.until(Duration.ofSeconds(10),
					() -> cluster.replicaPortsOf(replicaPort).equals(List.of(masterPort)),
					"the cluster to see the old master as replica of the new one");
		}
	}
}
