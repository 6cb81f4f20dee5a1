package io.redisbreaker.store;

import java.time.Duration;
import java.util.stream.Stream;

import io.redisbreaker.core.CircuitBreakerConfig;

import static io.redisbreaker.core.CircuitState.CLOSED;
import static io.redisbreaker.core.CircuitState.DISABLED;
import static io.redisbreaker.core.CircuitState.FORCED_OPEN;
import static io.redisbreaker.core.CircuitState.HALF_OPEN;
import static io.redisbreaker.core.CircuitState.OPEN;
import static io.redisbreaker.store.Scenario.acquire;
import static io.redisbreaker.store.Scenario.closed;
import static io.redisbreaker.store.Scenario.disable;
import static io.redisbreaker.store.Scenario.disabled;
import static io.redisbreaker.store.Scenario.fail;
import static io.redisbreaker.store.Scenario.forceClose;
import static io.redisbreaker.store.Scenario.forceOpen;
import static io.redisbreaker.store.Scenario.forcedOpen;
import static io.redisbreaker.store.Scenario.halfOpen;
import static io.redisbreaker.store.Scenario.ignore;
import static io.redisbreaker.store.Scenario.merge;
import static io.redisbreaker.store.Scenario.mergeAgain;
import static io.redisbreaker.store.Scenario.staleMerge;
import static io.redisbreaker.store.Scenario.late;
import static io.redisbreaker.store.Scenario.open;
import static io.redisbreaker.store.Scenario.reset;
import static io.redisbreaker.store.Scenario.retryAcquire;
import static io.redisbreaker.store.Scenario.scenario;
import static io.redisbreaker.store.Scenario.slowFailure;
import static io.redisbreaker.store.Scenario.slowSuccess;
import static io.redisbreaker.store.Scenario.state;
import static io.redisbreaker.store.Scenario.succeed;

/**
 * The rules of the breaker state machine, as a table: each row is a state reached through the
 * store's own behaviour, one event, and the state, counts, epoch and transition that must follow.
 * {@link BreakerContractTests#rule(Scenario)} plays every row against every store, so the Lua scripts
 * ({@code io/redisbreaker/store/redis/*.lua}) and the in-memory {@code BreakerStateMachine} cannot
 * drift apart. A defect in the rules becomes a row; a row names the defect it guards against as
 * {@code (#n)}.
 * <p>
 * Reading a row: {@link Scenario#given} starts from a breaker with no state ({@code closed()}) or a
 * shorthand for the steps that reach a state ({@code open()}: failure-threshold failures;
 * {@code halfOpen()}: open, then the first call after the open timeout, whose permit is given back),
 * followed by further steps. {@code holding("x")} admits a call under permit id {@code x} that
 * reports only in the event ({@code late("x")}). {@link Scenario#then} names the state; every count
 * of the snapshot it does not name must be zero, no transition may be told unless named, and the
 * epoch must stay the same unless a transition is named or {@code newEpoch()} (then it must be above
 * every epoch the row saw before, even one lost with the state). Settings are {@link #defaults()}
 * plus the row's own.
 * <p>
 * Not in the table, because the state they start from cannot be reached through the store's
 * operations within a test: counts left by a Redis clock that ran ahead
 * ({@code countsLeftByAClockThatRanAheadDoNotCountOnceItMovesBack} in {@code RedisBreakerStoreTests},
 * {@code countsFromAClockThatRanAheadDoNotCountOnceItMovesBack} in {@code InMemoryBreakerStoreTests},
 * #5), instances with different sliding windows sharing one breaker
 * ({@code BreakerContractTests.countsAgeOutForInstancesWithDifferentWindows}, slow, #5), and what
 * only Redis has: key TTL values, corrupt or mistyped keys ({@code RedisBreakerStoreTests}). How the
 * {@code CircuitBreaker} classifies outcomes (slow calls by elapsed time, ignored and unrecorded
 * exceptions) and tells transitions is checked by the named tests in {@link BreakerContractTests}.
 */
final class BreakerRules {

	private static final Duration LEASE = Duration.ofMillis(200);

	private BreakerRules() {
	}

	/**
	 * The settings every row starts from: 3 failures open, 2 trial successes close, 3 trial calls,
	 * 200 ms open, and rates off (minimum calls out of reach).
	 */
	static CircuitBreakerConfig.Builder defaults() {
		return CircuitBreakerConfig.builder()
			.failureThreshold(3)
			.successThreshold(2)
			.halfOpenMaxCalls(3)
			.openTimeout(Duration.ofMillis(200))
			.minimumCalls(1000);
	}

	static Stream<Scenario> rows() {
		return Stream.of(closedRows(), mergeRows(), openRows(), halfOpenRows(), trialLeaseRows(), operatorRows(),
				stateLossRows(), keyTtlRows())
			.flatMap((rows) -> rows);
	}

	/** Batches of outcomes counted on one instance (consistency bounded), merged as units. */
	private static Stream<Scenario> mergeRows() {
		return Stream.of(
				scenario("a batch of only failures extends the run of failures")
					.given(closed().failures(1))
					.when(merge(2, 2, 2, false))
					.then(state(OPEN).transition(CLOSED, OPEN, "failures: 3/3").openFor(Duration.ofMillis(200))),
				scenario("a batch with a success restarts the run with its trailing failures")
					.given(closed().failures(2))
					.when(merge(3, 2, 1, true))
					.then(state(CLOSED).calls(5).failedCalls(4).consecutiveFailures(1)),
				scenario("a batch whose own trailing failures reach the threshold opens")
					.given(closed().failures(2))
					.when(merge(4, 3, 3, true))
					.then(state(OPEN).transition(CLOSED, OPEN, "failures: 3/3")),
				scenario("a batch counts into the failure rate as its calls")
					.settings((c) -> c.failureThreshold(100).failureRateThreshold(50).minimumCalls(4))
					.given(closed().successes(1))
					.when(merge(3, 2, 1, true))
					.then(state(OPEN).transition(CLOSED, OPEN, "failure rate: 50.0% >= 50.0% of 4 calls")),
				scenario("a batch sent twice counts once")
					.given(closed().merged(2, 1, 1, true))
					.when(mergeAgain())
					.then(state(CLOSED).calls(2).failedCalls(1).consecutiveFailures(1).notCounted()),
				scenario("a batch of the epoch before an operator's reset counts nothing")
					.given(closed().failures(1).reset())
					.when(staleMerge(3))
					.then(state(CLOSED).calls(0).notCounted()),
				scenario("a batch that finds the breaker open counts nothing")
					.given(open())
					.when(merge(3, 3, 3, false))
					.then(state(OPEN).notCounted()));
	}

	private static Stream<Scenario> closedRows() {
		return Stream.of(
				scenario("a breaker without state is closed and admits calls")
					.given(closed())
					.when(acquire())
					.then(state(CLOSED).admitted()),
				scenario("a failure is counted and starts a run of failures")
					.given(closed())
					.when(fail())
					.then(state(CLOSED).calls(1).failedCalls(1).consecutiveFailures(1)),
				scenario("three failures in a row open the breaker")
					.given(closed().failures(2))
					.when(fail())
					.then(state(OPEN).transition(CLOSED, OPEN, "failures: 3/3").openFor(Duration.ofMillis(200))),
				scenario("a success ends the run of failures")
					.given(closed().failures(2))
					.when(succeed())
					.then(state(CLOSED).calls(3).failedCalls(2)),
				scenario("failures after a success start a new run")
					.given(closed().failures(2).successes(1).failures(1))
					.when(fail())
					.then(state(CLOSED).calls(5).failedCalls(4).consecutiveFailures(2)),
				// 2 s: a window of 1 s buckets keeps a count for at least (window - 1 s), and the row reads
				// the count it wrote a moment later.
				scenario("failures that left the sliding window no longer count (#5)")
					.settings((c) -> c.slidingWindow(Duration.ofSeconds(2)))
					.given(closed().failures(2).windowPassed())
					.when(fail())
					.then(state(CLOSED).calls(1).failedCalls(1).consecutiveFailures(1)),
				scenario("the failure rate opens once minimum-calls calls are in the window")
					.settings((c) -> c.failureThreshold(100).failureRateThreshold(50).minimumCalls(4))
					.given(closed().successes(1).failures(1).successes(1))
					.when(fail())
					.then(state(OPEN).transition(CLOSED, OPEN, "failure rate: 50.0% >= 50.0% of 4 calls")),
				scenario("a failure rate below the threshold does not open")
					.settings((c) -> c.failureThreshold(100).failureRateThreshold(50).minimumCalls(4))
					.given(closed().successes(2).failures(1))
					.when(succeed())
					.then(state(CLOSED).calls(4).failedCalls(1)),
				scenario("the failure rate is not evaluated below minimum-calls")
					.settings((c) -> c.failureThreshold(100).failureRateThreshold(50).minimumCalls(10))
					.given(closed().failures(8))
					.when(fail())
					.then(state(CLOSED).calls(9).failedCalls(9).consecutiveFailures(9)),
				scenario("a slow success counts as slow and continues the run of failures")
					.given(closed().failures(1))
					.when(slowSuccess())
					.then(state(CLOSED).calls(2).failedCalls(1).slowCalls(1).consecutiveFailures(2)),
				scenario("a slow failure counts as failed and as slow")
					.given(closed())
					.when(slowFailure())
					.then(state(CLOSED).calls(1).failedCalls(1).slowCalls(1).consecutiveFailures(1)),
				scenario("the slow-call rate opens once minimum-calls calls are in the window")
					.settings((c) -> c.failureThreshold(100).slowCallRateThreshold(50).minimumCalls(2))
					.given(closed().successes(1))
					.when(slowSuccess())
					.then(state(OPEN).transition(CLOSED, OPEN, "slow call rate: 50.0% >= 50.0% of 2 calls")),
				scenario("an ignored outcome counts neither way and leaves the run of failures alone")
					.given(closed().failures(2))
					.when(ignore())
					.then(state(CLOSED).calls(2).failedCalls(2).consecutiveFailures(2).notCounted()));
	}

	private static Stream<Scenario> openRows() {
		return Stream.of(
				scenario("an open breaker rejects calls until the open timeout has passed")
					.given(open())
					.when(acquire())
					.then(state(OPEN).rejected().retryAfterAtMost(Duration.ofMillis(200)).openFor(Duration.ofMillis(200))),
				scenario("after the open timeout, one call turns the breaker half-open and holds a trial permit")
					.given(open().openTimeoutPassed())
					.when(acquire())
					.then(state(HALF_OPEN).admittedAsTrial()
						.trialCallsInFlight(1)
						.transitionStartingWith(OPEN, HALF_OPEN, "timeout: ")),
				scenario("after the open timeout, a failing first call turns half-open and opens again")
					.given(open().openTimeoutPassed())
					.when(fail())
					.then(state(OPEN).transitionStartingWith(OPEN, HALF_OPEN, "timeout: ")
						.transition(HALF_OPEN, OPEN, "trial call failed")
						.reopens(1)));
	}

	private static Stream<Scenario> halfOpenRows() {
		return Stream.of(
				scenario("half-open admits at most half-open-max-calls trial calls")
					.given(halfOpen().holding("a").holding("b").holding("c"))
					.when(acquire())
					.then(state(HALF_OPEN).rejected().retryAfterAtMost(Duration.ofSeconds(30)).trialCallsInFlight(3)),
				scenario("a successful trial keeps its slot until the half-open period ends")
					.given(halfOpen().trialSuccesses(1).holding("a").holding("b"))
					.when(acquire())
					.then(state(HALF_OPEN).rejected().trialCallsInFlight(2).trialSuccesses(1)),
				scenario("a trial permit given back frees its slot and counts neither way")
					.given(halfOpen().holding("a").holding("b").holding("c"))
					.when(late("b").isIgnored())
					.then(state(HALF_OPEN).trialCallsInFlight(2).notCounted()),
				scenario("an ignored trial outcome gives the trial permit back")
					.given(halfOpen())
					.when(ignore())
					.then(state(HALF_OPEN).notCounted()),
				scenario("a retried acquire with the same permit id is answered as the first was (#2)")
					.settings((c) -> c.halfOpenMaxCalls(1).successThreshold(1))
					.given(halfOpen().holding("p1"))
					.when(retryAcquire("p1"))
					.then(state(HALF_OPEN).admittedAsTrial().trialCallsInFlight(1)),
				scenario("a retried permit still holds the only slot (#2)")
					.settings((c) -> c.halfOpenMaxCalls(1).successThreshold(1))
					.given(halfOpen().holding("p1").retrying("p1"))
					.when(acquire())
					.then(state(HALF_OPEN).rejected().trialCallsInFlight(1)),
				scenario("the success of a retried permit counts once (#2)")
					.settings((c) -> c.halfOpenMaxCalls(1).successThreshold(1))
					.given(halfOpen().holding("p1").retrying("p1"))
					.when(late("p1").succeeds())
					.then(state(CLOSED).transition(HALF_OPEN, CLOSED, "trial successes: 1/1")),
				scenario("a trial success counts, below success-threshold the breaker stays half-open")
					.given(halfOpen())
					.when(succeed())
					.then(state(HALF_OPEN).trialSuccesses(1)),
				scenario("success-threshold trial successes close the breaker")
					.given(halfOpen().trialSuccesses(1))
					.when(succeed())
					.then(state(CLOSED).transition(HALF_OPEN, CLOSED, "trial successes: 2/2")),
				scenario("one failed trial opens the breaker again")
					.given(halfOpen().trialSuccesses(1))
					.when(fail())
					.then(state(OPEN).transition(HALF_OPEN, OPEN, "trial call failed")
						.reopens(1)
						.openFor(Duration.ofMillis(200))),
				scenario("a slow trial success is a failed trial")
					.given(halfOpen())
					.when(slowSuccess())
					.then(state(OPEN).transition(HALF_OPEN, OPEN, "trial call failed").reopens(1)),
				scenario("each failed trial period multiplies the open timeout by open-timeout-multiplier")
					.settings((c) -> c.openTimeoutMultiplier(3).maxOpenTimeout(Duration.ofMillis(1000)))
					.given(halfOpen())
					.when(fail())
					.then(state(OPEN).transition(HALF_OPEN, OPEN, "trial call failed")
						.reopens(1)
						.openFor(Duration.ofMillis(600))),
				scenario("the growing open timeout stops at max-open-timeout")
					.settings((c) -> c.openTimeoutMultiplier(3).maxOpenTimeout(Duration.ofMillis(1000)))
					.given(open().failedTrials(1).halfOpened())
					.when(fail())
					.then(state(OPEN).transition(HALF_OPEN, OPEN, "trial call failed")
						.reopens(2)
						.openFor(Duration.ofMillis(1000))),
				scenario("closing ends the growth of the open timeout")
					.settings((c) -> c.openTimeoutMultiplier(3).maxOpenTimeout(Duration.ofMillis(1000)))
					.given(open().failedTrials(1).halfOpened().trialSuccesses(1))
					.when(succeed())
					.then(state(CLOSED).transition(HALF_OPEN, CLOSED, "trial successes: 2/2")),
				scenario("an outcome from an earlier epoch does not count")
					.given(closed().holding("admitted while closed").opened().halfOpened())
					.when(late("admitted while closed").fails())
					.then(state(HALF_OPEN).notCounted()));
	}

	/** Trial permits are leases: a holder that never reports gives its slot back when the lease runs out. */
	private static Stream<Scenario> trialLeaseRows() {
		return Stream.of(
				scenario("trial permits whose leases ran out give their slots back")
					.settings((c) -> c.halfOpenMaxCalls(2).halfOpenPermitLease(LEASE))
					.given(halfOpen().holding("a").holding("b").leaseExpired())
					.when(acquire())
					.then(state(HALF_OPEN).admittedAsTrial().trialCallsInFlight(1)),
				scenario("a late success of a trial whose lease ran out and whose slot was taken does not count")
					.settings((c) -> c.halfOpenMaxCalls(2).halfOpenPermitLease(LEASE))
					.given(halfOpen().holding("slow").leaseExpired().holding("other"))
					.when(late("slow").succeeds())
					.then(state(HALF_OPEN).trialCallsInFlight(1).notCounted()),
				scenario("a late failure of a trial whose lease ran out still opens the breaker")
					.settings((c) -> c.halfOpenMaxCalls(2).halfOpenPermitLease(LEASE))
					.given(halfOpen().holding("slow").leaseExpired().holding("other"))
					.when(late("slow").fails())
					.then(state(OPEN).transition(HALF_OPEN, OPEN, "trial call failed").reopens(1)),
				scenario("a late success of a trial whose lease ran out counts while no other call took its slot")
					.settings((c) -> c.halfOpenMaxCalls(2).halfOpenPermitLease(LEASE))
					.given(halfOpen().holding("slow").leaseExpired())
					.when(late("slow").succeeds())
					.then(state(HALF_OPEN).trialSuccesses(1)));
	}

	/** Operator commands: every one starts a new epoch, so calls admitted before it no longer count (#9). */
	private static Stream<Scenario> operatorRows() {
		return Stream.of(
				scenario("a forced-open breaker rejects every call and names no retry time")
					.given(forcedOpen())
					.when(acquire())
					.then(state(FORCED_OPEN).rejected().noRetryAfter()),
				scenario("force-open clears the counts")
					.given(closed().failures(2))
					.when(forceOpen())
					.then(state(FORCED_OPEN).transition(CLOSED, FORCED_OPEN, "forced open")),
				scenario("repeating force-open starts a new epoch without a transition (#9)")
					.given(forcedOpen())
					.when(forceOpen())
					.then(state(FORCED_OPEN).newEpoch()),
				scenario("force-close closes a forced-open breaker")
					.given(forcedOpen())
					.when(forceClose())
					.then(state(CLOSED).transition(FORCED_OPEN, CLOSED, "forced close")),
				scenario("a disabled breaker admits every call")
					.given(disabled())
					.when(acquire())
					.then(state(DISABLED).admitted()),
				scenario("a disabled breaker records nothing")
					.given(disabled().failures(3))
					.when(fail())
					.then(state(DISABLED).notCounted()),
				scenario("repeating disable starts a new epoch without a transition (#9)")
					.given(disabled())
					.when(disable())
					.then(state(DISABLED).newEpoch()),
				scenario("disable ends an open state")
					.given(open())
					.when(disable())
					.then(state(DISABLED).transition(OPEN, DISABLED, "disabled")),
				scenario("reset closes a disabled breaker")
					.given(disabled())
					.when(reset())
					.then(state(CLOSED).transition(DISABLED, CLOSED, "reset")),
				scenario("reset closes an open breaker and forgets the grown open timeout")
					.settings((c) -> c.openTimeoutMultiplier(3).maxOpenTimeout(Duration.ofMillis(1000)))
					.given(open().failedTrials(1))
					.when(reset())
					.then(state(CLOSED).transition(OPEN, CLOSED, "reset")),
				scenario("reset of a half-open breaker drops its trial permits")
					.given(halfOpen().trialSuccesses(1).holding("a"))
					.when(reset())
					.then(state(CLOSED).transition(HALF_OPEN, CLOSED, "reset")),
				scenario("reset of a closed breaker clears the counts and starts a new epoch without a transition (#9)")
					.given(closed().failures(2))
					.when(reset())
					.then(state(CLOSED).newEpoch()),
				scenario("an outcome of a call admitted before a reset of a closed breaker does not count (#9)")
					.given(closed().holding("admitted before the reset").reset())
					.when(late("admitted before the reset").fails())
					.then(state(CLOSED).notCounted()));
	}

	/** State lost at once (FLUSHALL, expired keys, an empty replica promoted; in memory: forgotten). */
	private static Stream<Scenario> stateLossRows() {
		return Stream.of(
				scenario("a breaker whose state was lost is closed")
					.given(open().stateLost())
					.when(acquire())
					.then(state(CLOSED).admitted()),
				scenario("epochs never repeat after the state was lost (#10)")
					.given(open().stateLost().failures(2))
					.when(fail())
					.then(state(OPEN).transition(CLOSED, OPEN, "failures: 3/3")),
				scenario("an operator command after the state was lost starts an epoch never seen (#10)")
					.given(forcedOpen().stateLost())
					.when(forceOpen())
					.then(state(FORCED_OPEN).transition(CLOSED, FORCED_OPEN, "forced open")),
				scenario("a trial outcome from before the state was lost does not count (#10)")
					.given(halfOpen().holding("stale").stateLost().opened().halfOpened())
					.when(late("stale").fails())
					.then(state(HALF_OPEN).notCounted()));
	}

	/**
	 * A breaker that is not closed keeps its keys for as long as it needs them, however short the key
	 * TTL (#8). Only Redis keys expire; in memory these rows hold trivially, and say so.
	 */
	private static Stream<Scenario> keyTtlRows() {
		return Stream.of(
				scenario("a half-open breaker outlives a short key TTL while a trial holds its lease (#8)")
					.keyTtl(Duration.ofSeconds(1))
					.settings((c) -> c.slidingWindow(Duration.ofSeconds(1)).halfOpenPermitLease(Duration.ofSeconds(5)))
					.given(halfOpen().holding("trial").keyTtlPassed())
					.when(late("trial").succeeds())
					.then(state(HALF_OPEN).trialSuccesses(1)),
				scenario("an open breaker outlives a short key TTL until its open timeout has passed (#8)")
					.keyTtl(Duration.ofSeconds(1))
					.settings((c) -> c.slidingWindow(Duration.ofSeconds(1)).openTimeout(Duration.ofSeconds(3)))
					.given(open().keyTtlPassed())
					.when(acquire())
					.then(state(OPEN).rejected().retryAfterAtMost(Duration.ofSeconds(3)).openFor(Duration.ofSeconds(3))));
	}

}
