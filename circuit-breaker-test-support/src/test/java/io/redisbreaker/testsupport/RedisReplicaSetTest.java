package io.redisbreaker.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedisReplicaSetTest {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@Test
	void replicasReceiveWritesAndCanBePromoted() {
		try (RedisReplicaSet set = RedisReplicaSet.start(2)) {
			RedisServer master = set.master();
			assertThat(set.replicas()).hasSize(2);
			assertThat(set.currentMaster()).contains(master);
			master.command("SET", "k", "v1");
			for (RedisServer replica : set.replicas()) {
				assertThat(replica.role()).isEqualTo("slave");
				Await.until(TIMEOUT, () -> "v1".equals(replica.command("GET", "k")),
						"replica " + replica + " to receive k=v1");
				assertThatThrownBy(() -> replica.command("SET", "k", "x"))
						.isInstanceOfSatisfying(RespErrorException.class,
								e -> assertThat(e.code()).isEqualTo("READONLY"));
			}

			// Swap roles: replica 0 becomes master, everyone else follows it.
			RedisServer newMaster = set.replicas().get(0);
			RedisReplicaSet.promote(newMaster);
			RedisReplicaSet.demote(master, newMaster);
			RedisReplicaSet.demote(set.replicas().get(1), newMaster);
			RedisReplicaSet.awaitLinkUp(master, TIMEOUT);
			RedisReplicaSet.awaitLinkUp(set.replicas().get(1), TIMEOUT);
			assertThat(set.currentMaster()).contains(newMaster);
			newMaster.command("SET", "k", "v2");
			Await.until(TIMEOUT, () -> "v2".equals(master.command("GET", "k")),
					"old master to receive k=v2");
		}
	}

	@Test
	void passwordProtectedReplicaSet() {
		try (RedisReplicaSet set = RedisReplicaSet.start(1, "--requirepass", "pw")) {
			set.master().command("SET", "k", "v");
			RedisServer replica = set.replicas().get(0);
			Await.until(TIMEOUT, () -> "v".equals(replica.command("GET", "k")), "replication with auth");
		}
	}
}
