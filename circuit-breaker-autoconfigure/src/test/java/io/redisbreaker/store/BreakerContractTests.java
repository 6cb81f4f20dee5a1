package io.redisbreaker.store;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

import io.redisbreaker.core.BreakerStore;
import io.redisbreaker.core.CallPermit;
import io.redisbreaker.core.CircuitBreaker;
import io.redisbreaker.core.CircuitBreakerConfig;
import io.redisbreaker.core.Consistency;
import io.redisbreaker.core.CircuitBreakerConfigs;
import io.redisbreaker.core.CircuitBreakerOpenException;
import io.redisbreaker.core.CircuitBreakerRegistry;
import io.redisbreaker.core.CircuitSnapshot;
import io.redisbreaker.core.CircuitState;
import io.redisbreaker.core.MergeResult;
import io.redisbreaker.core.OutcomeBatch;
import io.redisbreaker.core.StateTransition;
import io.redisbreaker.testsupport.Await;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The state machine's rules, checked the same way against every store: the Redis scripts and the
 * in-memory fallback must agree. The rules themselves are the table {@link BreakerRules}, whose every
 * row {@link #rule(Scenario)} plays against the store of the subclass; the named tests here check
 * what a row of one breaker's store operations does not: how a {@link CircuitBreaker} classifies
 * outcomes and tells transitions, and instances with different settings sharing one breaker.
 */
abstract class BreakerContractTests {

	static final Duration DEADLINE = Duration.ofSeconds(10);

	final List<StateTransition> transitions = new CopyOnWriteArrayList<>();

	/** A fresh store; the same backing state for every call within one test. */
	BreakerStore store(String instanceId) {
		return store(instanceId, Duration.ofHours(1));
	}

	/** Like {@link #store(String)} with a key TTL, for a store whose keys expire (Redis). */
	abstract BreakerStore store(String instanceId, Duration keyTtl);

	/** Loses every breaker's state at once, as a FLUSHALL or expired keys do to Redis. */
	abstract void loseState();

	/**
	 * Returns once a key written now with this TTL has expired in the store; a store whose keys never
	 * expire returns at once.
	 */
	abstract void awaitKeyTtl(Duration keyTtl);

	/** One row of the rules, played against this store. */
	@ParameterizedTest(name = "{0}")
	@MethodSource("io.redisbreaker.store.BreakerRules#rows")
	void rule(Scenario scenario) {
		scenario.runAgainst(this);
	}

	CircuitBreaker breaker(String name, CircuitBreakerConfig config) {
		return registry("instance-a", config).circuitBreaker(name);
	}

	CircuitBreakerRegistry registry(String instanceId, CircuitBreakerConfig config) {
		return new CircuitBreakerRegistry(store(instanceId), CircuitBreakerConfigs.of(config), this.transitions::add,
				instanceId);
	}

	/** Strict: these tests read the store right after a call; the bounded tests are {@code LocalViewTests}. */
	static CircuitBreakerConfig.Builder config() {
		return CircuitBreakerConfig.builder()
			.consistency(Consistency.STRICT)
			.failureThreshold(3)
			.successThreshold(2)
			.halfOpenMaxCalls(3)
			.openTimeout(Duration.ofMillis(300))
			.minimumCalls(1000);
	}

	/**
	 * The transitions told so far, once there are at least {@code count}: an outcome is sent without
	 * waiting, so the transition it causes is told when the store answers, a moment after the call.
	 */
	List<StateTransition> awaitTransitions(int count) {
		return Await.value(DEADLINE, () -> List.copyOf(this.transitions), (told) -> told.size() >= count,
				count + " transitions to be told");
	}

	static void fail(CircuitBreaker breaker, int times) {
		for (int i = 0; i < times; i++) {
			breaker.acquirePermission().recordFailure(new IOException("boom " + i));
		}
	}

	static void succeed(CircuitBreaker breaker, int times) {
		for (int i = 0; i < times; i++) {
			breaker.acquirePermission().recordSuccess();
		}
	}

	/**
	 * Through the breaker, as an application calls it: outcomes are sent without waiting, so the
	 * transition is told when the store's reply arrives, and a rejected call gets an exception naming
	 * the breaker, the state and when to retry.
	 */
	@Test
	void aBreakerTellsTheTransitionItsOutcomesCauseAndRejectsWithAnException() {
		CircuitBreaker breaker = breaker("upbit/kr/ticker", config().build());
		fail(breaker, 2);
		assertThat(breaker.getState()).isEqualTo(CircuitState.CLOSED);
		assertThat(breaker.getSnapshot().consecutiveFailures()).isEqualTo(2);
		fail(breaker, 1);
		CircuitSnapshot snapshot = breaker.getSnapshot();
		assertThat(snapshot.state()).isEqualTo(CircuitState.OPEN);
		assertThat(snapshot.reason()).isEqualTo("failures: 3/3");
		assertThat(awaitTransitions(1)).singleElement().satisfies((t) -> {
			assertThat(t.from()).isEqualTo(CircuitState.CLOSED);
			assertThat(t.to()).isEqualTo(CircuitState.OPEN);
			assertThat(t.local()).isTrue();
			assertThat(t.toString()).isEqualTo("Circuit upbit/kr/ticker: CLOSED → OPEN (failures: 3/3)");
		});
		assertThatExceptionOfType(CircuitBreakerOpenException.class).isThrownBy(breaker::acquirePermission)
			.satisfies((ex) -> {
				assertThat(ex.getCircuitBreakerName()).isEqualTo("upbit/kr/ticker");
				assertThat(ex.getState()).isEqualTo(CircuitState.OPEN);
				assertThat(ex.getRetryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofMillis(300));
			});
	}

	/** The breaker measures a call's duration: one slower than the threshold is a slow call. */
	@Test
	void callsSlowerThanTheThresholdCountAsSlowCalls() {
		CircuitBreaker breaker = breaker("slow", config().failureThreshold(100)
			.slowCallDurationThreshold(Duration.ofMillis(20))
			.slowCallRateThreshold(50)
			.minimumCalls(2)
			.build());
		succeed(breaker, 1);
		CallPermit slow = breaker.acquirePermission();
		LockSupport.parkNanos(Duration.ofMillis(40).toNanos()); // the call itself takes 40 ms
		slow.recordSuccess();
		CircuitSnapshot snapshot = breaker.getSnapshot();
		assertThat(snapshot.state()).isEqualTo(CircuitState.OPEN);
		assertThat(snapshot.reason()).startsWith("slow call rate: 50.0%");
	}

	/** The breaker classifies a failure's exception: ignored ones count neither way, unrecorded ones succeed. */
	@Test
	void ignoredExceptionsDoNotCountAndUnrecordedOnesCountAsSuccess() {
		CircuitBreaker breaker = breaker("classified", config().failureThreshold(2)
			.recordExceptions(List.of(IOException.class))
			.ignoreExceptions(List.of(java.io.FileNotFoundException.class))
			.build());
		breaker.acquirePermission().recordFailure(new java.io.FileNotFoundException("ignored"));
		breaker.acquirePermission().recordFailure(new IllegalArgumentException("not recorded: a success"));
		assertThat(breaker.getSnapshot().calls()).isEqualTo(1);
		assertThat(breaker.getSnapshot().failedCalls()).isZero();
		fail(breaker, 2);
		assertThat(breaker.getState()).isEqualTo(CircuitState.OPEN);
	}

	/**
	 * A rolling change of {@code sliding-window}: instances with 60 s and 61 s windows cut time into
	 * buckets of 1000 ms and 1017 ms. The failures of one must still age out for the other.
	 */
	@Test
	@Tag("slow")
	void countsAgeOutForInstancesWithDifferentWindows() {
		CircuitBreaker old = registry("old", rateConfig().slidingWindow(Duration.ofSeconds(60)).build())
			.circuitBreaker("rolling");
		CircuitBreaker updated = registry("updated", rateConfig().slidingWindow(Duration.ofSeconds(61)).build())
			.circuitBreaker("rolling");
		fail(old, 2);
		// Each instance has a connection of its own, and outcomes are sent without waiting.
		Await.until(DEADLINE, () -> updated.getSnapshot().failedCalls() == 2, "the other instance's failures to count");
		Await.until(Duration.ofSeconds(90),
				() -> old.getSnapshot().calls() == 0 && updated.getSnapshot().calls() == 0,
				"the failures to leave both windows");
		fail(updated, 1);
		assertThat(updated.getState()).as("failures older than the window do not count").isEqualTo(CircuitState.CLOSED);
		assertThat(updated.getSnapshot().calls()).isEqualTo(1);
		fail(old, 1);
		assertThat(old.getSnapshot().calls()).isEqualTo(2);
		assertThat(old.getState()).isEqualTo(CircuitState.CLOSED);
	}

	// Batches of outcomes (consistency bounded), merged by the store.

	/** A batch sent again after a lost reply counts once. */
	@Test
	void aBatchSentTwiceCountsOnce() {
		BreakerStore store = store("instance-a");
		CircuitBreakerConfig config = config().build();
		long epoch = join(store.merge("batched", config, OutcomeBatch.read(0, 1))).epoch();
		OutcomeBatch batch = new OutcomeBatch(epoch, 2, 4, 1, 0, 1, true);
		MergeResult first = join(store.merge("batched", config, batch));
		MergeResult again = join(store.merge("batched", config, batch));
		assertThat(first.counted()).isTrue();
		assertThat(again.counted()).isFalse();
		assertThat(again.calls()).isEqualTo(4);
		assertThat(again.failedCalls()).isEqualTo(1);
		assertThat(join(store.snapshot("batched", config)).calls()).isEqualTo(4);
	}

	/**
	 * The consecutive-failure rule merges a batch as a unit: one with a success restarts the run with
	 * the batch's trailing failures, one without extends it, and the run that reaches the threshold opens.
	 */
	@Test
	void aBatchWithASuccessRestartsTheRunAndABatchOfFailuresExtendsIt() {
		BreakerStore store = store("instance-a");
		CircuitBreakerConfig config = config().build();
		assertThat(join(store.merge("runs", config, new OutcomeBatch(0, 1, 2, 2, 0, 2, false))).consecutiveFailures())
			.isEqualTo(2);
		MergeResult restarted = join(store.merge("runs", config, new OutcomeBatch(0, 2, 3, 2, 0, 1, true)));
		assertThat(restarted.consecutiveFailures()).isEqualTo(1);
		assertThat(restarted.state()).isEqualTo(CircuitState.CLOSED);
		assertThat(join(store.merge("runs", config, new OutcomeBatch(0, 3, 1, 1, 0, 1, false))).consecutiveFailures())
			.isEqualTo(2);
		MergeResult opened = join(store.merge("runs", config, new OutcomeBatch(0, 4, 1, 1, 0, 1, false)));
		assertThat(opened.state()).isEqualTo(CircuitState.OPEN);
		assertThat(opened.openRemainingMillis()).isPositive().isLessThanOrEqualTo(300);
		assertThat(opened.transition()).isNotNull().satisfies((t) -> {
			assertThat(t.from()).isEqualTo(CircuitState.CLOSED);
			assertThat(t.reason()).isEqualTo("failures: 3/3");
		});
		assertThat(join(store.snapshot("runs", config)).state()).isEqualTo(CircuitState.OPEN);
	}

	/**
	 * With minimum-failing-instances 2, one instance's failures alone open nothing shared: the reply says
	 * what was held back, and the run stays long enough for a second instance's failure to open it.
	 */
	@Test
	void oneInstanceBelowMinimumFailingInstancesOpensNothingShared() {
		BreakerStore store = store("instance-a");
		CircuitBreakerConfig config = config().minimumFailingInstances(2).build();
		MergeResult held = join(store.merge("guarded", config, new OutcomeBatch(0, 1, 3, 3, 0, 3, false)));
		assertThat(held.state()).isEqualTo(CircuitState.CLOSED);
		assertThat(held.transition()).isNull();
		assertThat(held.heldBack()).isEqualTo("failures: 3/3, but only 1 of 2 instances failing");
		assertThat(held.consecutiveFailures()).isEqualTo(3);
		assertThat(join(store.snapshot("guarded", config)).state()).isEqualTo(CircuitState.CLOSED);
	}

	/**
	 * A batch without failures never opens anything while too few instances are failing: not the shared
	 * breaker, and not this instance either (only the failing instances protect themselves).
	 */
	@Test
	void aBatchWithoutFailuresIsNotHeldBackEvenWhenTheRateIsOverTheThreshold() {
		BreakerStore store = store("instance-a");
		CircuitBreakerConfig config = config().failureThreshold(100).failureRateThreshold(50).minimumCalls(4)
			.minimumFailingInstances(2).build();
		assertThat(join(store.merge("rate/guarded", config, new OutcomeBatch(0, 1, 4, 4, 0, 4, false))).heldBack())
			.startsWith("failure rate: 100.0% >= 50.0% of 4 calls, but only 1 of 2");
		MergeResult healthy = join(store.merge("rate/guarded", config, new OutcomeBatch(0, 2, 1, 0, 0, 0, true)));
		assertThat(healthy.heldBack()).isEmpty();
		assertThat(healthy.state()).isEqualTo(CircuitState.CLOSED);
	}

	/** A batch of only a success (its call counted in the batch before) still ends the run of failures. */
	@Test
	void aBatchOfOnlyASuccessEndsTheRun() {
		BreakerStore store = store("instance-a");
		CircuitBreakerConfig config = config().build();
		join(store.merge("split", config, new OutcomeBatch(0, 1, 3, 2, 0, 2, false)));
		MergeResult ended = join(store.merge("split", config, new OutcomeBatch(0, 2, 0, 0, 0, 0, true)));
		assertThat(ended.counted()).isTrue();
		assertThat(ended.consecutiveFailures()).isZero();
		assertThat(join(store.merge("split", config, new OutcomeBatch(0, 3, 1, 1, 0, 1, false))).state())
			.isEqualTo(CircuitState.CLOSED);
	}

	/** A batch of an earlier epoch, or one that finds the breaker open, counts nothing. */
	@Test
	void aBatchOfAnEarlierEpochOrAnOpenBreakerCountsNothing() {
		BreakerStore store = store("instance-a");
		CircuitBreakerConfig config = config().build();
		long before = join(store.merge("fenced", config, OutcomeBatch.read(0, 1))).epoch();
		join(store.operate("fenced", io.redisbreaker.core.OperatorCommand.CLOSE, "reset"));
		MergeResult stale = join(store.merge("fenced", config, new OutcomeBatch(before, 2, 5, 5, 0, 5, false)));
		assertThat(stale.counted()).isFalse();
		assertThat(stale.state()).isEqualTo(CircuitState.CLOSED);
		assertThat(stale.epoch()).isGreaterThan(before);
		assertThat(stale.calls()).isZero();
		join(store.operate("fenced", io.redisbreaker.core.OperatorCommand.FORCE_OPEN, "forced"));
		MergeResult forced = join(store.merge("fenced", config, OutcomeBatch.read(0, 3)));
		MergeResult whileOpen = join(store.merge("fenced", config,
				new OutcomeBatch(forced.epoch(), 4, 5, 5, 0, 5, false)));
		assertThat(whileOpen.counted()).isFalse();
		assertThat(whileOpen.state()).isEqualTo(CircuitState.FORCED_OPEN);
	}

	private static CircuitBreakerConfig.Builder rateConfig() {
		return config().failureThreshold(100).failureRateThreshold(50).minimumCalls(3);
	}

	static <T> T join(CompletionStage<T> stage) {
		return stage.toCompletableFuture().join();
	}

}
