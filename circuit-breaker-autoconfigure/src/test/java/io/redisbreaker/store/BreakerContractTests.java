package io.redisbreaker.store;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

import io.redisbreaker.core.Admission;
import io.redisbreaker.core.BreakerStore;
import io.redisbreaker.core.CallOutcome;
import io.redisbreaker.core.CallPermit;
import io.redisbreaker.core.CircuitBreaker;
import io.redisbreaker.core.CircuitBreakerConfig;
import io.redisbreaker.core.CircuitBreakerConfigs;
import io.redisbreaker.core.CircuitBreakerOpenException;
import io.redisbreaker.core.CircuitBreakerRegistry;
import io.redisbreaker.core.CircuitSnapshot;
import io.redisbreaker.core.CircuitState;
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

	static CircuitBreakerConfig.Builder config() {
		return CircuitBreakerConfig.builder()
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

	@Test
	void missingStateIsClosed() {
		CircuitBreaker breaker = breaker("fresh", config().build());
		CircuitSnapshot snapshot = breaker.getSnapshot();
		assertThat(snapshot.state()).isEqualTo(CircuitState.CLOSED);
		assertThat(snapshot.calls()).isZero();
		assertThat(breaker.acquirePermission().getState()).isEqualTo(CircuitState.CLOSED);
	}

	@Test
	void consecutiveFailuresOpenTheBreaker() {
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

	@Test
	void aSuccessBreaksTheRunOfFailures() {
		CircuitBreaker breaker = breaker("interrupted", config().build());
		fail(breaker, 2);
		succeed(breaker, 1);
		fail(breaker, 2);
		assertThat(breaker.getState()).isEqualTo(CircuitState.CLOSED);
		assertThat(breaker.getSnapshot().consecutiveFailures()).isEqualTo(2);
		assertThat(breaker.getSnapshot().calls()).isEqualTo(5);
		assertThat(breaker.getSnapshot().failedCalls()).isEqualTo(4);
	}

	@Test
	void openBreakerTurnsHalfOpenAfterTheTimeoutAndClosesAfterTrialSuccesses() {
		CircuitBreaker breaker = breaker("recovers", config().build());
		fail(breaker, 3);
		CallPermit first = Await.value(DEADLINE, () -> breaker.tryAcquirePermission().orElse(null),
				(permit) -> permit != null, "a trial permit after the open timeout");
		assertThat(first.isTrial()).isTrue();
		assertThat(first.getState()).isEqualTo(CircuitState.HALF_OPEN);
		first.recordSuccess();
		assertThat(breaker.getState()).isEqualTo(CircuitState.HALF_OPEN);
		assertThat(breaker.getSnapshot().trialSuccesses()).isEqualTo(1);
		breaker.acquirePermission().recordSuccess();
		assertThat(breaker.getState()).isEqualTo(CircuitState.CLOSED);
		assertThat(awaitTransitions(3)).extracting(StateTransition::to)
			.containsExactly(CircuitState.OPEN, CircuitState.HALF_OPEN, CircuitState.CLOSED);
		assertThat(this.transitions.get(1).reason()).startsWith("timeout: ");
		assertThat(this.transitions.get(2).reason()).isEqualTo("trial successes: 2/2");
	}

	@Test
	void aFailedTrialCallOpensAgain() {
		CircuitBreaker breaker = breaker("relapses", config().build());
		fail(breaker, 3);
		CallPermit trial = Await.value(DEADLINE, () -> breaker.tryAcquirePermission().orElse(null),
				(permit) -> permit != null, "a trial permit");
		trial.recordFailure(new IOException("still down"));
		CircuitSnapshot snapshot = breaker.getSnapshot();
		assertThat(snapshot.state()).isEqualTo(CircuitState.OPEN);
		assertThat(snapshot.reason()).isEqualTo("trial call failed");
	}

	@Test
	void halfOpenAdmitsAtMostTheConfiguredTrialCalls() {
		CircuitBreaker breaker = breaker("trials", config().build());
		fail(breaker, 3);
		CallPermit first = Await.value(DEADLINE, () -> breaker.tryAcquirePermission().orElse(null),
				(permit) -> permit != null, "a trial permit");
		CallPermit second = breaker.acquirePermission();
		CallPermit third = breaker.acquirePermission();
		assertThat(List.of(first, second, third)).allMatch(CallPermit::isTrial);
		assertThatExceptionOfType(CircuitBreakerOpenException.class).isThrownBy(breaker::acquirePermission)
			.satisfies((ex) -> assertThat(ex.getState()).isEqualTo(CircuitState.HALF_OPEN));
		assertThat(breaker.getSnapshot().trialCallsInFlight()).isEqualTo(3);
		// A released permit frees its slot; a success keeps its slot used until the period ends.
		second.release();
		CallPermit replacement = breaker.acquirePermission();
		first.recordSuccess();
		assertThat(breaker.tryAcquirePermission()).isEmpty();
		replacement.recordSuccess();
		third.release();
		assertThat(breaker.getState()).isEqualTo(CircuitState.CLOSED);
	}

	@Test
	void aTrialPermitThatIsNeverReportedExpires() {
		CircuitBreaker breaker = breaker("lease",
				config().halfOpenMaxCalls(2).halfOpenPermitLease(Duration.ofMillis(200)).build());
		fail(breaker, 3);
		Await.value(DEADLINE, () -> breaker.tryAcquirePermission().orElse(null), (permit) -> permit != null,
				"a first trial permit");
		breaker.acquirePermission();
		assertThat(breaker.tryAcquirePermission()).isEmpty();
		// Both holders "died": their leases run out and the slots are handed out again.
		CallPermit fresh = Await.value(DEADLINE, () -> breaker.tryAcquirePermission().orElse(null),
				(permit) -> permit != null, "a trial permit after the leases expired");
		assertThat(fresh.isTrial()).isTrue();
	}

	@Test
	void outcomesFromAnEarlierEpochDoNotCount() {
		CircuitBreaker breaker = breaker("fenced", config().build());
		CallPermit admittedWhileClosed = breaker.acquirePermission();
		fail(breaker, 3);
		CallPermit trial = Await.value(DEADLINE, () -> breaker.tryAcquirePermission().orElse(null),
				(permit) -> permit != null, "a trial permit");
		long epoch = breaker.getSnapshot().epoch();
		// The slow call from the closed period fails now; it must not re-open the half-open breaker.
		admittedWhileClosed.recordFailure(new IOException("late"));
		assertThat(breaker.getState()).isEqualTo(CircuitState.HALF_OPEN);
		assertThat(breaker.getSnapshot().epoch()).isEqualTo(epoch);
		trial.recordSuccess();
		breaker.acquirePermission().recordSuccess();
		assertThat(breaker.getState()).isEqualTo(CircuitState.CLOSED);
	}

	@Test
	void failuresOlderThanTheSlidingWindowNoLongerCount() {
		CircuitBreaker breaker = breaker("window", config().slidingWindow(Duration.ofSeconds(1)).build());
		fail(breaker, 2);
		assertThat(breaker.getSnapshot().consecutiveFailures()).isEqualTo(2);
		Await.until(DEADLINE, () -> breaker.getSnapshot().consecutiveFailures() == 0,
				"the two failures to leave the 1s window");
		fail(breaker, 1);
		assertThat(breaker.getState()).isEqualTo(CircuitState.CLOSED);
		assertThat(breaker.getSnapshot().calls()).isEqualTo(1);
	}

	@Test
	void aFailureRateAboveTheThresholdOpens() {
		CircuitBreaker breaker = breaker("rate",
				config().failureThreshold(100).failureRateThreshold(50).minimumCalls(4).build());
		succeed(breaker, 1);
		fail(breaker, 1);
		succeed(breaker, 1);
		assertThat(breaker.getState()).isEqualTo(CircuitState.CLOSED);
		fail(breaker, 1);
		CircuitSnapshot snapshot = breaker.getSnapshot();
		assertThat(snapshot.state()).isEqualTo(CircuitState.OPEN);
		assertThat(snapshot.reason()).isEqualTo("failure rate: 50.0% >= 50.0% of 4 calls");
	}

	@Test
	void theRateIsNotEvaluatedBelowMinimumCalls() {
		CircuitBreaker breaker = breaker("few", config().failureThreshold(100).failureRateThreshold(50)
			.minimumCalls(10).build());
		fail(breaker, 9);
		assertThat(breaker.getState()).isEqualTo(CircuitState.CLOSED);
		assertThat(breaker.getSnapshot().failureRate()).isEqualTo(100f);
	}

	@Test
	void slowCallsOpenTheBreakerByRate() {
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

	@Test
	void forcedOpenRejectsEverythingUntilClosed() {
		CircuitBreaker breaker = breaker("forced", config().build());
		assertThat(breaker.forceOpen()).isEqualTo(CircuitState.FORCED_OPEN);
		assertThatExceptionOfType(CircuitBreakerOpenException.class).isThrownBy(breaker::acquirePermission)
			.satisfies((ex) -> {
				assertThat(ex.getState()).isEqualTo(CircuitState.FORCED_OPEN);
				assertThat(ex.getRetryAfter()).isNull();
			});
		assertThat(breaker.forceOpen()).isEqualTo(CircuitState.FORCED_OPEN);
		assertThat(this.transitions).hasSize(1);
		assertThat(breaker.forceClose()).isEqualTo(CircuitState.CLOSED);
		assertThat(breaker.acquirePermission().getState()).isEqualTo(CircuitState.CLOSED);
		assertThat(this.transitions).extracting(StateTransition::reason).containsExactly("forced open", "forced close");
	}

	@Test
	void disabledPermitsEverythingAndRecordsNothing() {
		CircuitBreaker breaker = breaker("disabled", config().build());
		breaker.disable();
		fail(breaker, 10);
		CircuitSnapshot snapshot = breaker.getSnapshot();
		assertThat(snapshot.state()).isEqualTo(CircuitState.DISABLED);
		assertThat(snapshot.calls()).isZero();
		breaker.reset();
		assertThat(breaker.getState()).isEqualTo(CircuitState.CLOSED);
	}

	@Test
	void resetForgetsCountsAndAnOpenState() {
		CircuitBreaker breaker = breaker("reset", config().build());
		fail(breaker, 3);
		assertThat(breaker.reset()).isEqualTo(CircuitState.CLOSED);
		assertThat(breaker.getSnapshot().calls()).isZero();
		fail(breaker, 2);
		assertThat(breaker.getState()).isEqualTo(CircuitState.CLOSED);
	}

	@Test
	void theOpenTimeoutGrowsWhileTrialsKeepFailing() {
		CircuitBreaker breaker = breaker("growing", config().openTimeout(Duration.ofMillis(200))
			.openTimeoutMultiplier(3)
			.maxOpenTimeout(Duration.ofMillis(1000))
			.build());
		fail(breaker, 3);
		assertThat(openFor(breaker)).isEqualTo(Duration.ofMillis(200));
		failTrial(breaker);
		assertThat(openFor(breaker)).isEqualTo(Duration.ofMillis(600));
		assertThat(breaker.getSnapshot().reopens()).isEqualTo(1);
		failTrial(breaker);
		assertThat(openFor(breaker)).isEqualTo(Duration.ofMillis(1000));
	}

	@Test
	void aTrialFailureThatOutlastsItsLeaseStillReopens() {
		CircuitBreaker breaker = breaker("slow-trial",
				config().halfOpenMaxCalls(2).halfOpenPermitLease(Duration.ofMillis(200)).build());
		CallPermit trial = trialOutlivingItsLease(breaker);
		trial.recordFailure(new IOException("read timed out"));
		assertThat(breaker.getState()).as("a failed trial call re-opens the breaker").isEqualTo(CircuitState.OPEN);
	}

	@Test
	void aTrialSuccessAfterItsLeaseExpiredDoesNotCount() {
		CircuitBreaker breaker = breaker("late-success",
				config().halfOpenMaxCalls(2).halfOpenPermitLease(Duration.ofMillis(200)).build());
		CallPermit trial = trialOutlivingItsLease(breaker);
		trial.recordSuccess();
		assertThat(breaker.getSnapshot().trialSuccesses()).isZero();
	}

	@Test
	void aRetriedAcquireIsAnsweredAsTheFirstAttemptWas() {
		CircuitBreakerConfig config = config().halfOpenMaxCalls(1).successThreshold(1).build();
		CircuitBreaker breaker = breaker("retried", config);
		BreakerStore store = store("instance-a");
		fail(breaker, 3);
		Admission first = Await.value(DEADLINE, () -> join(store.acquire("retried", config, "permit-1")),
				Admission::allowed, "a trial permit");
		// The reply to the first attempt was lost and the caller retries with the same permit id.
		Admission retried = join(store.acquire("retried", config, "permit-1"));
		assertThat(retried.allowed()).isTrue();
		assertThat(retried.state()).isEqualTo(CircuitState.HALF_OPEN);
		assertThat(retried.permitId()).isEqualTo("permit-1");
		assertThat(retried.epoch()).isEqualTo(first.epoch());
		assertThat(join(store.acquire("retried", config, "permit-2")).allowed()).as("the only slot is taken").isFalse();
		assertThat(breaker.getSnapshot().trialCallsInFlight()).isEqualTo(1);
		assertThat(join(store.record("retried", config, retried, CallOutcome.SUCCESS)).state())
			.isEqualTo(CircuitState.CLOSED);
	}

	@Test
	void resettingAClosedBreakerStartsANewEpoch() {
		CircuitBreaker breaker = breaker("reset-closed", config().build());
		List<CallPermit> admittedBeforeTheReset = List.of(breaker.acquirePermission(), breaker.acquirePermission(),
				breaker.acquirePermission());
		long before = breaker.getSnapshot().epoch();
		assertThat(breaker.reset()).isEqualTo(CircuitState.CLOSED);
		assertThat(breaker.getSnapshot().epoch()).isGreaterThan(before);
		admittedBeforeTheReset.forEach((permit) -> permit.recordFailure(new IOException("late")));
		assertThat(breaker.getState()).as("calls admitted before the reset no longer count")
			.isEqualTo(CircuitState.CLOSED);
		assertThat(breaker.getSnapshot().calls()).isZero();
		assertThat(this.transitions).as("nothing changed state").isEmpty();
	}

	@Test
	void repeatingAnOperatorCommandStartsANewEpochWithoutATransition() {
		CircuitBreaker breaker = breaker("repeated", config().build());
		breaker.forceOpen();
		long forced = breaker.getSnapshot().epoch();
		assertThat(breaker.forceOpen()).isEqualTo(CircuitState.FORCED_OPEN);
		long forcedAgain = breaker.getSnapshot().epoch();
		assertThat(forcedAgain).isGreaterThan(forced);
		breaker.disable();
		breaker.disable();
		assertThat(breaker.getSnapshot().epoch()).isGreaterThan(forcedAgain);
		assertThat(this.transitions).extracting(StateTransition::to)
			.containsExactly(CircuitState.FORCED_OPEN, CircuitState.DISABLED);
	}

	@Test
	void epochsNeverRepeatAfterTheStateIsLost() {
		CircuitBreaker breaker = breaker("forgotten", config().build());
		fail(breaker, 3);
		long beforeTheLoss = breaker.getSnapshot().epoch();
		loseState();
		assertThat(breaker.getState()).isEqualTo(CircuitState.CLOSED);
		fail(breaker, 3);
		CircuitSnapshot reopened = breaker.getSnapshot();
		assertThat(reopened.state()).isEqualTo(CircuitState.OPEN);
		assertThat(reopened.epoch()).isGreaterThan(beforeTheLoss);
		assertThat(this.transitions).extracting(StateTransition::epoch).isSorted().doesNotHaveDuplicates();
	}

	@Test
	void aTrialOutcomeFromBeforeTheStateWasLostDoesNotCount() {
		CircuitBreaker breaker = breaker("stale-trial", config().build());
		fail(breaker, 3);
		CallPermit stale = Await.value(DEADLINE, () -> breaker.tryAcquirePermission().orElse(null),
				(permit) -> permit != null, "a trial permit");
		loseState();
		fail(breaker, 3);
		CallPermit fresh = Await.value(DEADLINE, () -> breaker.tryAcquirePermission().orElse(null),
				(permit) -> permit != null, "a trial permit of the new half-open period");
		stale.recordFailure(new IOException("late"));
		assertThat(breaker.getState()).as("a trial of the lost period does not decide the new one")
			.isEqualTo(CircuitState.HALF_OPEN);
		fresh.recordSuccess();
		breaker.acquirePermission().recordSuccess();
		assertThat(breaker.getState()).isEqualTo(CircuitState.CLOSED);
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
		assertThat(updated.getSnapshot().failedCalls()).as("the other instance's failures count").isEqualTo(2);
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

	private static CircuitBreakerConfig.Builder rateConfig() {
		return config().failureThreshold(100).failureRateThreshold(50).minimumCalls(3);
	}

	static <T> T join(CompletionStage<T> stage) {
		return stage.toCompletableFuture().join();
	}

	/** Opens the breaker, takes a trial permit, and lets its lease run out while another caller reclaims it. */
	private static CallPermit trialOutlivingItsLease(CircuitBreaker breaker) {
		fail(breaker, 3);
		CallPermit trial = Await.value(DEADLINE, () -> breaker.tryAcquirePermission().orElse(null),
				(permit) -> permit != null, "a trial permit");
		Await.until(DEADLINE, () -> breaker.getSnapshot().trialCallsInFlight() == 0, "the lease to expire");
		breaker.tryAcquirePermission();
		return trial;
	}

	private static void failTrial(CircuitBreaker breaker) {
		CallPermit trial = Await.value(DEADLINE, () -> breaker.tryAcquirePermission().orElse(null),
				(permit) -> permit != null, "a trial permit");
		trial.recordFailure(new IOException("still down"));
	}

	private static Duration openFor(CircuitBreaker breaker) {
		CircuitSnapshot snapshot = breaker.getSnapshot();
		assertThat(snapshot.state()).isEqualTo(CircuitState.OPEN);
		return Duration.between(snapshot.changedAt(), snapshot.nextTrialAt());
	}

}
