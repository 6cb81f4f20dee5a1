package io.redisbreaker.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.redisbreaker.core.Admission;
import io.redisbreaker.core.CallOutcome;
import io.redisbreaker.core.CircuitBreakerConfig;
import io.redisbreaker.core.CircuitState;
import io.redisbreaker.core.OperatorCommand;
import io.redisbreaker.core.RecordedSettings;
import io.redisbreaker.core.TransitionRecord;
import io.redisbreaker.store.redis.BreakerKeys;
import io.redisbreaker.store.redis.RedisBreakerStore;
import io.redisbreaker.testsupport.Await;
import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.WithRedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fleet's index of breaker names and each breaker's transition history, in Redis: listed by every
 * write, aged out with the keys, bounded fleet-wide, and healing after the index was lost.
 */
@WithRedisServer
class FleetIndexTests {

	private static final Duration DEADLINE = Duration.ofSeconds(15);

	private static final CircuitBreakerConfig CONFIG = CircuitBreakerConfig.builder()
		.failureThreshold(2)
		.slidingWindow(Duration.ofSeconds(1))
		.halfOpenPermitLease(Duration.ofSeconds(1))
		.openTimeout(Duration.ofMillis(500))
		.build();

	private final RedisServer server;

	private final List<RedisClient> clients = new ArrayList<>();

	FleetIndexTests(RedisServer server) {
		this.server = server;
	}

	@AfterEach
	void close() {
		this.clients.forEach(RedisClient::shutdown);
	}

	private RedisBreakerStore store(String instance, Duration keyTtl, int maxBreakers) {
		RedisClient client = RedisClient.create(this.server.uri());
		this.clients.add(client);
		StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE);
		return new RedisBreakerStore(connection::async, new BreakerKeys("cb:"), instance, keyTtl, null, maxBreakers);
	}

	private static void call(RedisBreakerStore store, String name, CallOutcome outcome) {
		Admission admission = store.acquire(name, CONFIG, "p").toCompletableFuture().join();
		store.record(name, CONFIG, admission, outcome).toCompletableFuture().join();
	}

	@Test
	void aNameLostWithTheIndexIsListedAgainByItsNextWrite() {
		RedisBreakerStore store = store("a", Duration.ofHours(1), 100);
		assertThat(store.register("orders").toCompletableFuture().join()).isTrue();
		assertThat(store.names().toCompletableFuture().join()).containsExactly("orders");
		this.server.command("FLUSHALL");
		assertThat(store.names().toCompletableFuture().join()).isEmpty();
		call(store, "orders", CallOutcome.SUCCESS);
		assertThat(store.names().toCompletableFuture().join()).containsExactly("orders");
	}

	@Test
	void aNameFirstUsedWhileTheIndexWasUnreachableIsListedByItsWrites() {
		RedisBreakerStore store = store("a", Duration.ofHours(1), 100);
		// Never registered (register failed during an outage): a counted outcome lists it.
		call(store, "payments", CallOutcome.FAILURE);
		assertThat(store.names().toCompletableFuture().join()).containsExactly("payments");
		assertThat(store.snapshot("payments", CONFIG).toCompletableFuture().join().stored()).isTrue();
		assertThat(store.snapshot("never-used", CONFIG).toCompletableFuture().join().stored()).isFalse();
	}

	@Test
	void idleNamesAgeOutWithTheirKeysWhileForcedOnesStay() {
		RedisBreakerStore store = store("a", Duration.ofSeconds(1), 100);
		call(store, "idle", CallOutcome.SUCCESS);
		store.operate("forced", OperatorCommand.FORCE_OPEN, "test").toCompletableFuture().join();
		assertThat(store.names().toCompletableFuture().join()).containsExactly("forced", "idle");
		Await.until(DEADLINE, () -> !store.names().toCompletableFuture().join().contains("idle"),
				"the idle name to age out of the listing");
		assertThat(store.names().toCompletableFuture().join()).containsExactly("forced");
		assertThat(this.server.command("EXISTS", "cb:{idle}:window")).isEqualTo(0L);
		// Registering removes what aged out, so the index does not grow with dead names.
		store.register("fresh").toCompletableFuture().join();
		assertThat(this.server.command("ZRANGE", "cb:index", "0", "-1")).asList().containsExactly("fresh", "forced");
	}

	@Test
	void theFleetListsAtMostMaxBreakersNames() {
		RedisBreakerStore a = store("a", Duration.ofHours(1), 3);
		RedisBreakerStore b = store("b", Duration.ofHours(1), 3);
		assertThat(a.register("a1").toCompletableFuture().join()).isTrue();
		assertThat(b.register("b1").toCompletableFuture().join()).isTrue();
		assertThat(a.register("a2").toCompletableFuture().join()).isTrue();
		assertThat(b.register("b2").toCompletableFuture().join()).isFalse();
		assertThat(a.register("a1").toCompletableFuture().join()).as("a listed name stays listed").isTrue();
		// An outcome of a name that is not listed neither lists it past the limit nor leaves keys.
		call(b, "b3", CallOutcome.FAILURE);
		assertThat(this.server.command("EXISTS", "cb:{b3}", "cb:{b3}:window", "cb:{b3}:streak")).isEqualTo(0L);
		assertThat(b.names().toCompletableFuture().join()).containsExactly("a1", "a2", "b1");
		assertThat(this.server.command("ZCARD", "cb:index")).isEqualTo(3L);
	}

	@Test
	void anIndexKeptAsASetByAnOlderVersionIsReplaced() {
		this.server.command("SADD", "cb:index", "old");
		RedisBreakerStore store = store("a", Duration.ofHours(1), 100);
		assertThat(store.names().toCompletableFuture().join()).isEmpty();
		call(store, "orders", CallOutcome.FAILURE);
		assertThat(store.names().toCompletableFuture().join()).containsExactly("orders");
		assertThat(store.register("other").toCompletableFuture().join()).isTrue();
		assertThat(this.server.command("TYPE", "cb:index")).isEqualTo("zset");
	}

	@Test
	void eachTransitionIsRecordedOnceNewestFirstAndTheHistoryIsCapped() {
		RedisBreakerStore a = store("a", Duration.ofHours(1), 100);
		RedisBreakerStore b = store("b", Duration.ofHours(1), 100);
		call(a, "orders", CallOutcome.FAILURE);
		call(b, "orders", CallOutcome.FAILURE);
		call(a, "orders", CallOutcome.FAILURE);
		List<TransitionRecord> history = a.history(List.of("orders")).toCompletableFuture().join();
		assertThat(history).hasSize(1);
		assertThat(history.get(0)).satisfies((record) -> {
			assertThat(record.instance()).isEqualTo("b");
			assertThat(record.from()).isEqualTo(CircuitState.CLOSED);
			assertThat(record.to()).isEqualTo(CircuitState.OPEN);
			assertThat(record.reason()).isEqualTo("failures: 2/2");
		});
		for (int i = 0; i < 30; i++) {
			a.operate("orders", OperatorCommand.FORCE_OPEN, "drill " + i).toCompletableFuture().join();
			b.operate("orders", OperatorCommand.CLOSE, "drill " + i).toCompletableFuture().join();
		}
		history = b.history(List.of("orders")).toCompletableFuture().join();
		assertThat(history).hasSize(50);
		assertThat(history.get(0).reason()).isEqualTo("drill 29");
		assertThat(history.get(0).to()).isEqualTo(CircuitState.CLOSED);
		assertThat(history.get(0).instance()).isEqualTo("b");
		for (int i = 1; i < history.size(); i++) {
			assertThat(history.get(i).epoch()).isLessThan(history.get(i - 1).epoch());
		}
	}

	@Test
	void settingsAreRecordedAndAnotherInstancesSettingsAreAnswered() {
		RedisBreakerStore a = store("a", Duration.ofHours(1), 100);
		RedisBreakerStore b = store("b", Duration.ofHours(1), 100);
		CircuitBreakerConfig other = CircuitBreakerConfig.builder().failureThreshold(7).build();
		assertThat(a.checkSettings("orders", CONFIG).toCompletableFuture().join()).isEmpty();
		Optional<RecordedSettings> seen = b.checkSettings("orders", other).toCompletableFuture().join();
		assertThat(seen).get().satisfies((recorded) -> {
			assertThat(recorded.instance()).isEqualTo("a");
			assertThat(recorded.hash()).isEqualTo(CONFIG.settingsHash()).isNotEqualTo(other.settingsHash());
			assertThat(recorded.settings()).contains("failure-threshold=2");
		});
		assertThat(a.snapshot("orders", CONFIG).toCompletableFuture().join().settingsHash())
			.isEqualTo(other.settingsHash());
	}

	@Test
	void aBreakerForcedOpenBeforeTheUpgradeStaysListedAfterTheSetIsReplaced() {
		// As 0.1 left it: the name in the set, the forced state persisted.
		this.server.command("SADD", "cb:index", "payments", "orders");
		this.server.command("HSET", "cb:{payments}", "state", "FORCED_OPEN", "epoch", "7");
		RedisBreakerStore store = store("a", Duration.ofHours(1), 100);
		call(store, "orders", CallOutcome.SUCCESS);
		assertThat(store.snapshot("payments", CONFIG).toCompletableFuture().join().state())
			.isEqualTo(CircuitState.FORCED_OPEN);
		assertThat(store.names().toCompletableFuture().join()).as("names after the first write of 0.2")
			.containsExactly("orders", "payments");
		assertThat(this.server.command("ZSCORE", "cb:index", "payments")).isEqualTo("inf");
	}

	@Test
	void aForcedNameWhoseKeysWereDeletedDoesNotHoldASlotForever() {
		RedisBreakerStore store = store("a", Duration.ofHours(1), 1);
		store.operate("payments", OperatorCommand.FORCE_OPEN, "drill").toCompletableFuture().join();
		// The repair command the warning prints for a corrupt breaker, or any DEL/UNLINK of the state.
		this.server.command("DEL", "cb:{payments}", "cb:{payments}:events");
		assertThat(store.snapshot("payments", CONFIG).toCompletableFuture().join().stored()).isFalse();
		assertThat(store.register("orders").toCompletableFuture().join())
			.as("a new name, with the only listed one's keys gone").isTrue();
	}

}
