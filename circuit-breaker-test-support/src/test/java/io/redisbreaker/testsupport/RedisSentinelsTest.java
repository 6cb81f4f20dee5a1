package io.redisbreaker.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisSentinelsTest {

	@Test
	void promotesAReplicaWhenTheMasterDies() {
		try (RedisReplicaSet set = RedisReplicaSet.start(2);
				RedisSentinels sentinels = RedisSentinels.start("mymaster", set, 3, 2)) {
			assertThat(sentinels.ports()).hasSize(3).doesNotContain(6379).doesNotHaveDuplicates();
			assertThat(sentinels.masterPort()).isEqualTo(set.master().port());
			assertThat(sentinels.sentinels().get(0).role()).isEqualTo("sentinel");
			set.master().command("SET", "k", "before-failover");
			for (RedisServer replica : set.replicas()) {
				Await.until(Duration.ofSeconds(5), () -> "before-failover".equals(replica.command("GET", "k")),
						"replication of k to " + replica);
			}

			set.master().kill();
			int newMasterPort = sentinels.awaitNewMaster(Duration.ofSeconds(20));

			List<Integer> replicaPorts = set.replicas().stream().map(RedisServer::port).toList();
			assertThat(replicaPorts).contains(newMasterPort);
			RedisServer newMaster = set.replicas().get(replicaPorts.indexOf(newMasterPort));
			assertThat(newMaster.role()).isEqualTo("master");
			assertThat(newMaster.command("GET", "k")).isEqualTo("before-failover");
			assertThat(newMaster.command("SET", "k", "after-failover")).isEqualTo("OK");
			assertThat(set.currentMaster()).contains(newMaster);
		}
	}
}
