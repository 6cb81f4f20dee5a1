package io.redisbreaker.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.cluster.SlotHash;
import io.redisbreaker.core.CircuitBreaker;
import io.redisbreaker.core.CircuitBreakerConfigs;
import io.redisbreaker.core.CircuitBreakerRegistry;
import io.redisbreaker.core.CircuitState;
import io.redisbreaker.store.redis.BreakerKeys;
import io.redisbreaker.store.redis.RedisBreakerStore;
import io.redisbreaker.testsupport.Await;
import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.WithRedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Redis scripts against a real redis-server, plus what only the Redis store has: keys, TTLs, the
 * name index and the script cache.
 */
@WithRedisServer
class RedisBreakerStoreTests extends BreakerContractTests {

	private final RedisServer server;

	private final List<RedisClient> clients = new ArrayList<>();

	RedisBreakerStoreTests(RedisServer server) {
		this.server = server;
	}

	@BeforeEach
	void flush() {
		this.server.command("FLUSHALL");
	}

	@AfterEach
	void closeClients() {
		this.clients.forEach(RedisClient::shutdown);
	}

	@Override
	BreakerStore store(String instanceId) {
		return redisStore(instanceId, Duration.ofHours(1));
	}

	RedisBreakerStore redisStore(String instanceId, Duration ttl) {
		// Each store gets a client of its own, like separate application instances.
		RedisClient client = RedisClient.create(this.server.uri());
		this.clients.add(client);
		StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE);
		return new RedisBreakerStore(connection::async, new BreakerKeys("cb:"), instanceId, ttl);
	}

	@Test
	void stateIsAHashUnderTheBreakersHashTagWithATtl() {
		CircuitBreaker breaker = breaker("upbit/kr/ticker", config().build());
		fail(breaker, 3);
		assertThat(this.server.command("HGET", "cb:{upbit/kr/ticker}", "state")).isEqualTo("OPEN");
		long ttl = (Long) this.server.command("TTL", "cb:{upbit/kr/ticker}");
		assertThat(ttl).isBetween(3000L, 3600L);
		assertThat(List.of(":window", ":streak", ":permits"))
			.allMatch((suffix) -> SlotHash.getSlot("cb:{upbit/kr/ticker}" + suffix) == SlotHash
				.getSlot("cb:{upbit/kr/ticker}"));
	}

	@Test
	void theTtlIsRefreshedOnWritesAndStateVanishesToClosed() {
		CircuitBreaker breaker = new CircuitBreakerRegistry(redisStore("a", Duration.ofSeconds(1)),
				CircuitBreakerConfigs.of(config().build()), this.transitions::add, "a")
			.circuitBreaker("short-lived");
		fail(breaker, 3);
		// Open for 300 ms, then the 1 s TTL (read once the outcomes, sent without waiting, have landed).
		Await.until(DEADLINE, () -> "OPEN".equals(this.server.command("HGET", "cb:{short-lived}", "state")),
				"the breaker to open");
		assertThat((Long) this.server.command("PTTL", "cb:{short-lived}")).isBetween(1L, 1300L);
		Await.until(DEADLINE,
				() -> Long.valueOf(0).equals(this.server.command("EXISTS", "cb:{short-lived}")),
				"the state key to expire");
		assertThat(breaker.getState()).isEqualTo(CircuitState.CLOSED);
	}

	@Test
	void forcedStatesNeverExpire() {
		CircuitBreaker breaker = breaker("pinned", config().build());
		breaker.forceOpen();
		assertThat(this.server.command("TTL", "cb:{pinned}")).isEqualTo(-1L);
		breaker.disable();
		assertThat(this.server.command("TTL", "cb:{pinned}")).isEqualTo(-1L);
		breaker.forceClose();
		assertThat((Long) this.server.command("TTL", "cb:{pinned}")).isPositive();
	}

	@Test
	void anOpenBreakerOutlivesAShortTtl() {
		CircuitBreaker breaker = new CircuitBreakerRegistry(redisStore("a", Duration.ofSeconds(1)),
				CircuitBreakerConfigs.of(config().openTimeout(Duration.ofSeconds(30)).build()),
				this.transitions::add, "a")
			.circuitBreaker("long-open");
		fail(breaker, 3);
		assertThat((Long) this.server.command("TTL", "cb:{long-open}")).isGreaterThanOrEqualTo(30L);
	}

	@Test
	void everyInstanceListsEveryBreakerThroughTheIndex() {
		registry("a", config().build()).circuitBreaker("exchange/a");
		registry("b", config().build()).circuitBreaker("exchange/b");
		Await.until(DEADLINE,
				() -> registry("c", config().build()).getAllNames().containsAll(List.of("exchange/a", "exchange/b")),
				"both names in the index");
		assertThat(this.server.command("SMEMBERS", "cb:index")).asList().containsExactlyInAnyOrder("exchange/a",
				"exchange/b");
	}

	@Test
	void scriptsSurviveAnEmptiedScriptCache() {
		CircuitBreaker breaker = breaker("noscript", config().build());
		fail(breaker, 1);
		this.server.command("SCRIPT", "FLUSH");
		fail(breaker, 2);
		assertThat(breaker.getState()).isEqualTo(CircuitState.OPEN);
	}

	@Test
	void anotherInstanceSeesTheSameState() {
		CircuitBreaker a = registry("a", config().build()).circuitBreaker("shared");
		CircuitBreaker b = registry("b", config().build()).circuitBreaker("shared");
		fail(a, 2);
		// Outcomes are sent without waiting, each instance on its own connection.
		Await.until(DEADLINE, () -> b.getSnapshot().consecutiveFailures() == 2, "a's failures to arrive");
		fail(b, 1);
		Await.until(DEADLINE, () -> a.getState() == CircuitState.OPEN, "b's failure to open the breaker");
		assertThat(b.tryAcquirePermission()).isEmpty();
		assertThat(awaitTransitions(1)).singleElement().satisfies((t) -> assertThat(t.origin()).isEqualTo("b"));
	}

}
