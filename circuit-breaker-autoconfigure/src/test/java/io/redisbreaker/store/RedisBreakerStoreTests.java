package io.redisbreaker.store;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.cluster.SlotHash;
import io.redisbreaker.core.OperatorCommand;
import io.redisbreaker.core.Admission;
import io.redisbreaker.core.BreakerStore;
import io.redisbreaker.core.CallOutcome;
import io.redisbreaker.core.CallPermit;
import io.redisbreaker.core.CircuitBreaker;
import io.redisbreaker.core.CircuitBreakerConfig;
import io.redisbreaker.core.CircuitBreakerConfigs;
import io.redisbreaker.core.CircuitBreakerRegistry;
import io.redisbreaker.core.CircuitSnapshot;
import io.redisbreaker.core.CircuitState;
import io.redisbreaker.core.MergeResult;
import io.redisbreaker.core.OutcomeBatch;
import io.redisbreaker.store.redis.BreakerKeys;
import io.redisbreaker.store.redis.RedisBreakerStore;
import io.redisbreaker.testsupport.Await;
import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.WithRedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
	BreakerStore store(String instanceId, Duration keyTtl) {
		return redisStore(instanceId, keyTtl);
	}

	@Override
	void loseState() {
		this.server.command("FLUSHALL");
	}

	/** Waits for Redis itself to expire a key set now with the TTL: the breaker's keys, had they it, would be gone. */
	@Override
	void awaitKeyTtl(Duration keyTtl) {
		this.server.command("SET", "test:ttl-probe", "x", "PX", Long.toString(keyTtl.toMillis()));
		Await.until(DEADLINE, () -> Long.valueOf(0).equals(this.server.command("EXISTS", "test:ttl-probe")),
				"a key with a " + keyTtl.toMillis() + " ms TTL to expire");
	}

	RedisBreakerStore redisStore(String instanceId, Duration ttl) {
		// Each store gets a client of its own, like separate application instances.
		RedisClient client = RedisClient.create(this.server.uri());
		this.clients.add(client);
		StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE);
		return new RedisBreakerStore(connection::async, new BreakerKeys("cb:"), instanceId, ttl);
	}

	/**
	 * Waits for a state this test reads on a connection of its own: outcomes are sent without the
	 * caller waiting, so they may not have arrived the moment the call returns.
	 */
	private void awaitState(String breaker, String state) {
		Await.until(DEADLINE, () -> state.equals(this.server.command("HGET", "cb:{" + breaker + "}", "state")),
				breaker + " to be " + state + " in Redis");
	}

	/**
	 * A trial success that closes the breaker deletes the window; the success must not leave a window
	 * key behind without a TTL (it would outlive the breaker forever).
	 */
	@Test
	void aTrialThatClosesTheBreakerLeavesNoKeyWithoutATtl() {
		CircuitBreaker breaker = breaker("closing",
				config().openTimeout(Duration.ofMillis(100)).successThreshold(1).halfOpenMaxCalls(1).build());
		fail(breaker, 3);
		CallPermit trial = Await.value(DEADLINE, breaker::tryAcquirePermission, java.util.Optional::isPresent,
				"a trial permit").orElseThrow();
		trial.recordSuccess();
		Await.until(DEADLINE, () -> breaker.getState() == CircuitState.CLOSED, "the trial to close it");
		succeed(breaker, 3);
		for (String key : List.of("cb:{closing}", "cb:{closing}:window", "cb:{closing}:streak",
				"cb:{closing}:events", "cb:{closing}:batches")) {
			assertThat(this.server.command("PTTL", key)).as("PTTL " + key).isNotEqualTo(-1L);
		}
	}

	@Test
	void stateIsAHashUnderTheBreakersHashTagWithATtl() {
		CircuitBreaker breaker = breaker("upbit/kr/ticker", config().build());
		fail(breaker, 3);
		awaitState("upbit/kr/ticker", "OPEN");
		long ttl = (Long) this.server.command("TTL", "cb:{upbit/kr/ticker}");
		assertThat(ttl).isBetween(3000L, 3600L);
		assertThat(List.of(":window", ":streak", ":permits"))
			.allMatch((suffix) -> SlotHash.getSlot("cb:{upbit/kr/ticker}" + suffix) == SlotHash
				.getSlot("cb:{upbit/kr/ticker}"));
	}

	@Test
	void theTtlIsRefreshedOnWritesAndStateVanishesToClosed() {
		CircuitBreaker breaker = new CircuitBreakerRegistry(redisStore("a", Duration.ofSeconds(1)),
				CircuitBreakerConfigs.of(config().slidingWindow(Duration.ofSeconds(1)).build()), this.transitions::add,
				"a")
			.circuitBreaker("short-lived");
		fail(breaker, 3);
		// Open for 300 ms, then the 1 s TTL (an open breaker's keys also outlive its 1 s window).
		awaitState("short-lived", "OPEN");
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
		awaitState("long-open", "OPEN");
		assertThat((Long) this.server.command("TTL", "cb:{long-open}")).isGreaterThanOrEqualTo(30L);
	}

	@Test
	void everyInstanceListsEveryBreakerThroughTheIndex() {
		registry("a", config().build()).circuitBreaker("exchange/a");
		registry("b", config().build()).circuitBreaker("exchange/b");
		Await.until(DEADLINE,
				() -> registry("c", config().build()).getAllNames().containsAll(List.of("exchange/a", "exchange/b")),
				"both names in the index");
		assertThat(this.server.command("ZRANGE", "cb:index", "0", "-1")).asList().containsExactlyInAnyOrder("exchange/a",
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

	@ParameterizedTest(name = "{0} = {1}")
	@CsvSource({ "state, half_open, state", "state, '', state", "epoch, abc, epoch", "epoch, 1.5, epoch",
			"open_until, soon, open_until", "opened_at, 1e3, opened_at", "opens, -, opens", "trial_ok, x1, trial_ok" })
	void aCorruptStateFailsEveryScriptWithARecognisableError(String field, String value, String reported) {
		this.server.command("HSET", "cb:{corrupt}", "state", "HALF_OPEN", "epoch", "7", "opened_at", "1",
				"open_until", "2", "opens", "0", "trial_ok", "0");
		this.server.command("HSET", "cb:{corrupt}", field, value);
		RedisBreakerStore store = redisStore("a", Duration.ofHours(1));
		CircuitBreakerConfig config = config().build();
		Admission admission = new Admission(true, CircuitState.HALF_OPEN, 7, "permit", null,
				Admission.Issuer.SHARED, null);
		String expected = "BREAKER_CORRUPT cb:{corrupt} field " + reported + " = '" + value + "'";
		assertThat(List.of(store.acquire("corrupt", config, "permit"),
				store.record("corrupt", config, admission, CallOutcome.FAILURE),
				store.operate("corrupt", OperatorCommand.CLOSE, "reset"), store.snapshot("corrupt", config),
				store.reconcileOpen("corrupt", Duration.ofSeconds(1), 7, "reconciled")))
			.allSatisfy((result) -> assertThat(failure(result)).startsWith(expected));
		assertThat(this.server.command("EXISTS", "cb:{corrupt}:permits")).as("no trial permit was handed out")
			.isEqualTo(0L);
		assertThat(this.server.command("HGET", "cb:{corrupt}", field)).as("nothing was rewritten").isEqualTo(value);
	}

	@Test
	void aKeyOfTheWrongTypeFailsNamingTheKey() {
		this.server.command("SET", "cb:{wrong}", "x");
		this.server.command("SET", "cb:{wrong-window}:window", "x");
		RedisBreakerStore store = redisStore("a", Duration.ofHours(1));
		assertThat(failure(store.acquire("wrong", config().build(), "permit"))).startsWith("WRONGTYPE")
			.contains("cb:{wrong}");
		Admission closed = join(store.acquire("wrong-window", config().build(), "permit"));
		assertThat(failure(store.record("wrong-window", config().build(), closed, CallOutcome.FAILURE)))
			.startsWith("WRONGTYPE")
			.contains("cb:{wrong-window}:window");
	}

	@Test
	void aHalfOpenBreakerOutlivesAShortKeyTtl() {
		CircuitBreaker breaker = new CircuitBreakerRegistry(redisStore("a", Duration.ofSeconds(1)),
				CircuitBreakerConfigs.of(config().halfOpenPermitLease(Duration.ofSeconds(5)).build()),
				this.transitions::add, "a")
			.circuitBreaker("half-open-ttl");
		fail(breaker, 3);
		CallPermit trial = Await.value(DEADLINE, () -> breaker.tryAcquirePermission().orElse(null),
				(permit) -> permit != null, "a trial permit");
		assertThat(List.of("cb:{half-open-ttl}", "cb:{half-open-ttl}:permits"))
			.allSatisfy((key) -> assertThat((Long) this.server.command("PTTL", key)).as("PTTL " + key)
				.isGreaterThan(4000L));
		awaitKeyTtl(Duration.ofSeconds(1));
		assertThat(breaker.getState()).as("still half-open while a trial holds its lease")
			.isEqualTo(CircuitState.HALF_OPEN);
		trial.recordSuccess();
		assertThat(breaker.getSnapshot().trialSuccesses()).isEqualTo(1);
	}

	@Test
	void countsLeftByAClockThatRanAheadDoNotCountOnceItMovesBack() {
		// Redis TIME moved back by a minute: the window and streak hold what was written before.
		long ahead = serverMillis() + 60_000;
		String bucket = Long.toString(ahead - ahead % 1000);
		this.server.command("HSET", "cb:{jumped}:window", "c", "2", "f", "2", "c" + bucket, "2", "f" + bucket, "2",
				"lo", bucket, "hi", bucket);
		this.server.command("RPUSH", "cb:{jumped}:streak", Long.toString(ahead), Long.toString(ahead));
		// A 2 s window of 1 s buckets keeps a count for at least a second, so reading it just after it
		// was written never races the window moving on (a 1 s window keeps only the current bucket).
		CircuitBreaker breaker = breaker("jumped",
				config().slidingWindow(Duration.ofSeconds(2)).failureRateThreshold(50).minimumCalls(3).build());
		fail(breaker, 1);
		CircuitSnapshot afterTheJump = breaker.getSnapshot();
		assertThat(afterTheJump.state()).as("failures stamped a minute ahead are not inside the window")
			.isEqualTo(CircuitState.CLOSED);
		assertThat(afterTheJump.calls()).isEqualTo(1);
		assertThat(afterTheJump.consecutiveFailures()).isEqualTo(1);
		fail(breaker, 1);
		Await.until(DEADLINE, () -> {
			CircuitSnapshot snapshot = breaker.getSnapshot();
			return snapshot.calls() == 0 && snapshot.consecutiveFailures() == 0;
		}, "the failures to leave the 2 s window");
		breaker.acquirePermission().recordFailure(new IOException("again"));
		assertThat(breaker.getState()).isEqualTo(CircuitState.CLOSED);
		assertThat(breaker.getSnapshot().calls()).isEqualTo(1);
		assertThat(breaker.getSnapshot().consecutiveFailures()).isEqualTo(1);
	}

	/**
	 * An instance restarted with the same id and its clock hours behind (a new host, a clock stepped back)
	 * numbers its batches from a lower sequence than its previous run did. They must count: the previous
	 * run's last sequence, kept for the rest of the closed epoch, must not make them look like resent
	 * batches of that run, or the instance's failures never reach the shared breaker.
	 */
	@Test
	void batchesOfAnInstanceRestartedWithALowerSequenceCount() {
		CircuitBreakerConfig config = config().build();
		BreakerStore before = store("instance-a");
		long epoch = join(before.merge("restarted", config, OutcomeBatch.read(0, 1))).epoch();
		long sequence = System.currentTimeMillis() * 1000;
		assertThat(join(before.merge("restarted", config, new OutcomeBatch(epoch, sequence, 2, 1, 0, 0, true))).counted())
			.isTrue();
		// The same instance id after a restart whose clock is three hours behind.
		BreakerStore after = store("instance-a");
		long behind = sequence - TimeUnit.HOURS.toMicros(3);
		MergeResult merged = join(after.merge("restarted", config, new OutcomeBatch(epoch, behind, 3, 1, 0, 0, true)));
		assertThat(merged.counted()).as("the restarted instance's first batch counted").isTrue();
		assertThat(merged.calls()).isEqualTo(5);
		assertThat(merged.failedCalls()).isEqualTo(2);
		// Its batches are still told apart from a resend, as before the restart.
		assertThat(join(after.merge("restarted", config, new OutcomeBatch(epoch, behind, 3, 1, 0, 0, true))).counted())
			.as("the same batch sent again").isFalse();
		assertThat(join(after.snapshot("restarted", config)).calls()).isEqualTo(5);
	}

	private long serverMillis() {
		List<?> time = (List<?>) this.server.command("TIME");
		return Long.parseLong(String.valueOf(time.get(0))) * 1000 + Long.parseLong(String.valueOf(time.get(1))) / 1000;
	}

	private static String failure(CompletionStage<?> result) {
		Throwable failure;
		try {
			result.toCompletableFuture().join();
			throw new AssertionError("expected the script to fail");
		}
		catch (RuntimeException ex) {
			failure = ex;
		}
		while (failure.getCause() != null) {
			failure = failure.getCause();
		}
		return String.valueOf(failure.getMessage());
	}

}
