package io.redisbreaker.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.redisbreaker.core.Admission;
import io.redisbreaker.core.CallOutcome;
import io.redisbreaker.core.CircuitBreakerConfig;
import io.redisbreaker.core.OperatorCommand;
import io.redisbreaker.store.redis.BreakerKeys;
import io.redisbreaker.store.redis.RedisBreakerStore;
import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.WithRedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Review: the index across the upgrade from the set, and forced names whose keys went away. */
@WithRedisServer
class ReviewIndexTests {

	private static final CircuitBreakerConfig CONFIG = CircuitBreakerConfig.ofDefaults();

	private final RedisServer server;

	private final List<RedisClient> clients = new ArrayList<>();

	ReviewIndexTests(RedisServer server) {
		this.server = server;
	}

	@AfterEach
	void close() {
		this.clients.forEach(RedisClient::shutdown);
	}

	private RedisBreakerStore store(int maxBreakers) {
		RedisClient client = RedisClient.create(this.server.uri());
		this.clients.add(client);
		StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE);
		return new RedisBreakerStore(connection::async, new BreakerKeys("cb:"), "a", Duration.ofHours(1), null,
				maxBreakers);
	}

	@Test
	void aBreakerForcedOpenBeforeTheUpgradeStaysListedAfterTheSetIsReplaced() {
		// As 0.1 left it: the name in the set, the forced state persisted.
		this.server.command("SADD", "cb:index", "payments", "orders");
		this.server.command("HSET", "cb:{payments}", "state", "FORCED_OPEN", "epoch", "7");
		RedisBreakerStore store = store(100);
		Admission admission = store.acquire("orders", CONFIG, "p").toCompletableFuture().join();
		store.record("orders", CONFIG, admission, CallOutcome.SUCCESS).toCompletableFuture().join();
		assertThat(store.snapshot("payments", CONFIG).toCompletableFuture().join().state().name())
			.isEqualTo("FORCED_OPEN");
		assertThat(store.names().toCompletableFuture().join()).as("names after the first write of 0.2")
			.contains("payments");
	}

	@Test
	void aForcedNameWhoseKeysWereDeletedDoesNotHoldASlotForever() {
		RedisBreakerStore store = store(1);
		store.operate("payments", OperatorCommand.FORCE_OPEN, "drill").toCompletableFuture().join();
		// The repair command the warning prints for a corrupt breaker, or any DEL/UNLINK of the state.
		this.server.command("DEL", "cb:{payments}", "cb:{payments}:events");
		assertThat(store.snapshot("payments", CONFIG).toCompletableFuture().join().stored()).isFalse();
		assertThat(store.register("orders").toCompletableFuture().join())
			.as("a new name, with the only listed one's keys gone").isTrue();
	}

}
