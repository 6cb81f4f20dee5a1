package io.redisbreaker.store;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import io.redisbreaker.core.Admission;
import io.redisbreaker.core.BreakerStore;
import io.redisbreaker.core.CallOutcome;
import io.redisbreaker.core.CircuitBreakerConfig;
import io.redisbreaker.core.CircuitSnapshot;
import io.redisbreaker.core.CircuitState;
import io.redisbreaker.core.MergeResult;
import io.redisbreaker.core.OperatorCommand;
import io.redisbreaker.core.OutcomeBatch;
import io.redisbreaker.core.StateChange;
import io.redisbreaker.core.StateTransition;
import io.redisbreaker.testsupport.Await;
import org.jspecify.annotations.Nullable;

/**
 * One row of the state machine's specification ({@link BreakerRules}): a breaker brought into a
 * state through the store's own behaviour ({@link Given}), one event ({@link #when}), and what must
 * hold afterwards ({@link Then}). {@link #runAgainst(BreakerContractTests)} plays the row against the
 * store of a contract test class, so every row runs once per store.
 * <p>
 * Rows talk to the {@link BreakerStore} contract directly, as {@code CircuitBreaker} does for an
 * application: each operation is one store round trip whose reply carries the transition it caused.
 * The outcome of a call is sent as callers send it, and the row then waits, with a deadline, for the
 * store's reply; only then is the result read, so a row can also say that nothing was told.
 *
 * @param description what the row specifies, in a sentence; also the test's display name
 * @param settings the row's changes to {@link BreakerRules#defaults()}
 * @param keyTtl the key TTL of the store (only Redis keys expire)
 * @param given how the breaker gets into the state the row starts from
 * @param when the event
 * @param then what must hold after the event
 */
record Scenario(String description, UnaryOperator<CircuitBreakerConfig.Builder> settings, Duration keyTtl,
		Given given, Step when, Then then) {

	/** The breaker every row plays with; each row starts from an empty store. */
	static final String NAME = "rule";

	/** How long a row waits for any one store reply or awaited condition. */
	static final Duration DEADLINE = Duration.ofSeconds(10);

	static Scenario scenario(String description) {
		return new Scenario(description, UnaryOperator.identity(), Duration.ofHours(1), closed(), nothing(),
				state(CircuitState.CLOSED));
	}

	/** Settings of this row on top of the table's defaults. */
	Scenario settings(UnaryOperator<CircuitBreakerConfig.Builder> settings) {
		return new Scenario(this.description, settings, this.keyTtl, this.given, this.when, this.then);
	}

	/** A key TTL other than the default hour, for rows about keys that must not expire. */
	Scenario keyTtl(Duration keyTtl) {
		return new Scenario(this.description, this.settings, keyTtl, this.given, this.when, this.then);
	}

	Scenario given(Given given) {
		return new Scenario(this.description, this.settings, this.keyTtl, given, this.when, this.then);
	}

	Scenario when(Step when) {
		return new Scenario(this.description, this.settings, this.keyTtl, this.given, when, this.then);
	}

	Scenario then(Then then) {
		return new Scenario(this.description, this.settings, this.keyTtl, this.given, this.when, then);
	}

	/** Plays the row against the test class's store. */
	void runAgainst(BreakerContractTests test) {
		CircuitBreakerConfig config = this.settings.apply(BreakerRules.defaults()).build();
		Run run = new Run(test.store("instance-a", this.keyTtl), config, this.keyTtl, test::loseState,
				test::awaitKeyTtl);
		for (Step step : this.given.steps) {
			run.perform(step, "given " + this.given);
		}
		CircuitSnapshot before = run.snapshot();
		long highestBefore = run.highestEpoch;
		run.startEvent();
		run.perform(this.when, "when " + this.when.label());
		this.then.verify(run, before, highestBefore,
				"'" + this.description + "': given " + this.given + ", when " + this.when.label());
	}

	@Override
	public String toString() {
		return this.description;
	}

	// Given: the state a row starts from.

	/** A breaker with no state yet: closed, no counts. */
	static Given closed() {
		return new Given("closed");
	}

	/** Opened by failure-threshold failures in a row. */
	static Given open() {
		return closed().opened();
	}

	/** Open, then turned half-open by the first call after the open timeout, whose permit was given back. */
	static Given halfOpen() {
		return open().halfOpened();
	}

	static Given forcedOpen() {
		return closed().forcedOpen();
	}

	static Given disabled() {
		return closed().disabled();
	}

	// When: the event.

	/** A new call, admitted, fails. */
	static Step fail() {
		return call(CallOutcome.FAILURE, "a call fails");
	}

	/** A new call, admitted, succeeds. */
	static Step succeed() {
		return call(CallOutcome.SUCCESS, "a call succeeds");
	}

	/** A new call succeeds, slower than the slow-call threshold. */
	static Step slowSuccess() {
		return call(CallOutcome.SLOW_SUCCESS, "a slow call succeeds");
	}

	/** A new call fails, slower than the slow-call threshold. */
	static Step slowFailure() {
		return call(CallOutcome.SLOW_FAILURE, "a slow call fails");
	}

	/** A new call ends with an ignored exception, or its permit is given back unused. */
	static Step ignore() {
		return call(CallOutcome.IGNORED, "a call's outcome is ignored");
	}

	/**
	 * A batch of one instance's outcomes is merged (consistency bounded), in the breaker's current epoch:
	 * {@code calls} calls, {@code failures} of them failed, the last {@code trailing} after the batch's
	 * last success (if it had one).
	 */
	static Step merge(long calls, long failures, long trailing, boolean hadSuccess) {
		return new Step("a batch of " + calls + " calls merges (" + failures + " failed, " + trailing + " trailing"
				+ (hadSuccess ? ", with a success" : ", no success") + ")",
				(run) -> run.merge(calls, failures, trailing, hadSuccess, 0, false));
	}

	/** The same batch as the last one merged, sent again (a retry after a lost reply). */
	static Step mergeAgain() {
		return new Step("the same batch is sent again", (run) -> run.merge(0, 0, 0, false, 0, true));
	}

	/** A batch of failures counted under the epoch before the current one. */
	static Step staleMerge(long failures) {
		return new Step("a batch of " + failures + " failures of the epoch before merges",
				(run) -> run.merge(failures, failures, failures, false, -1, false));
	}

	/** A call asks for permission (and keeps a trial permit it gets). */
	static Step acquire() {
		return new Step("a call asks for permission", (run) -> run.acquire(run.nextPermitId()));
	}

	/** The call that holds permit {@code permitId} asks again, as after a lost reply. */
	static Step retryAcquire(String permitId) {
		return new Step("'" + permitId + "' asks again with the same permit id", (run) -> run.acquire(permitId));
	}

	/** The outcome of a call admitted during the given, held until now. */
	static Late late(String permitId) {
		return new Late(permitId);
	}

	static Step forceOpen() {
		return operate(OperatorCommand.FORCE_OPEN, "forced open");
	}

	static Step disable() {
		return operate(OperatorCommand.DISABLE, "disabled");
	}

	static Step forceClose() {
		return operate(OperatorCommand.CLOSE, "forced close");
	}

	static Step reset() {
		return operate(OperatorCommand.CLOSE, "reset");
	}

	static Step nothing() {
		return new Step("nothing happens", (run) -> {
		});
	}

	private static Step call(CallOutcome outcome, String label) {
		return new Step(label, (run) -> run.call(outcome));
	}

	private static Step operate(OperatorCommand command, String reason) {
		return new Step("an operator: " + reason, (run) -> run.operate(command, reason));
	}

	// Then: what must hold.

	static Then state(CircuitState state) {
		return new Then(state);
	}

	/** One thing that happens to the breaker, as a given step or the event. */
	record Step(String label, Consumer<Run> action) {

		@Override
		public String toString() {
			return this.label;
		}

	}

	/** The outcomes a held call can report. */
	record Late(String permitId) {

		Step fails() {
			return report(CallOutcome.FAILURE, "fails");
		}

		Step succeeds() {
			return report(CallOutcome.SUCCESS, "succeeds");
		}

		Step isIgnored() {
			return report(CallOutcome.IGNORED, "is given back");
		}

		private Step report(CallOutcome outcome, String what) {
			return new Step("'" + this.permitId + "' " + what + " late", (run) -> run.report(this.permitId, outcome));
		}

	}

	/**
	 * How a breaker gets into a state: only through the store's operations and the passing of time,
	 * never by writing its state, so the same steps bring each store into the same state.
	 */
	static final class Given {

		private final List<Step> steps = new ArrayList<>();

		private final StringBuilder label;

		private Given(String label) {
			this.label = new StringBuilder(label);
		}

		private Given step(String label, Consumer<Run> action) {
			this.steps.add(new Step(label, action));
			this.label.append(", ").append(label);
			return this;
		}

		Given failures(int count) {
			return step(count + " failures", (run) -> run.calls(count, CallOutcome.FAILURE));
		}

		Given successes(int count) {
			return step(count + " successes", (run) -> run.calls(count, CallOutcome.SUCCESS));
		}

		/** Failure-threshold failures in a row. */
		Given opened() {
			return step("opened", (run) -> {
				run.calls(run.config.getFailureThreshold(), CallOutcome.FAILURE);
				run.expectState(CircuitState.OPEN);
			});
		}

		/** Waits for the open timeout to pass, without asking for permission (which would end it). */
		Given openTimeoutPassed() {
			return step("open timeout passed", (run) -> Await.until(DEADLINE, () -> {
				CircuitSnapshot snapshot = run.snapshot();
				// Store time: the Redis server runs on this host, so its clock is this clock.
				return Duration.ZERO.equals(snapshot.remainingOpen(Instant.now()));
			}, "the open timeout to pass"));
		}

		/** The first call after the open timeout turns the breaker half-open; its permit is given back. */
		Given halfOpened() {
			return step("half-opened", (run) -> {
				Admission trial = Await.value(DEADLINE, () -> run.acquire(run.nextPermitId()), Admission::allowed,
						"a trial permit after the open timeout");
				run.record(trial, CallOutcome.IGNORED);
				run.expectState(CircuitState.HALF_OPEN);
			});
		}

		/** Trial calls that succeed. */
		Given trialSuccesses(int count) {
			return step(count + " trial successes", (run) -> run.calls(count, CallOutcome.SUCCESS));
		}

		/** Half-open periods that each ended with a failed trial call (and the open timeouts before them). */
		Given failedTrials(int count) {
			return step(count + " failed trial periods", (run) -> {
				for (int i = 0; i < count; i++) {
					Admission trial = Await.value(DEADLINE, () -> run.acquire(run.nextPermitId()),
							Admission::allowed, "a trial permit after the open timeout");
					run.record(trial, CallOutcome.FAILURE);
					run.expectState(CircuitState.OPEN);
				}
			});
		}

		/** A call is admitted under permit id {@code permitId} and has not reported yet. */
		Given holding(String permitId) {
			return step("'" + permitId + "' admitted", (run) -> run.hold(permitId));
		}

		/** The call holding {@code permitId} asks again with the same id, as after a lost reply. */
		Given retrying(String permitId) {
			return step("'" + permitId + "' asked again", (run) -> run.acquire(permitId));
		}

		/** Every trial lease ran out (the holders did not report). */
		Given leaseExpired() {
			return step("leases ran out", (run) -> Await.until(DEADLINE,
					() -> run.snapshot().trialCallsInFlight() == 0, "the trial leases to run out"));
		}

		/** Every count left the sliding window. */
		Given windowPassed() {
			return step("the window passed", (run) -> Await.until(DEADLINE, () -> {
				CircuitSnapshot snapshot = run.snapshot();
				return snapshot.calls() == 0 && snapshot.consecutiveFailures() == 0;
			}, "the counts to leave the sliding window"));
		}

		/** More than the key TTL passed since the last write: keys the breaker still needs must not expire. */
		Given keyTtlPassed() {
			return step("the key TTL passed", (run) -> run.keyTtlPassage.accept(run.keyTtl));
		}

		/** Every breaker's state is lost at once (FLUSHALL, expired keys, an empty replica promoted). */
		Given stateLost() {
			return step("state lost", Run::loseState);
		}

		Given forcedOpen() {
			return step("forced open", (run) -> run.operate(OperatorCommand.FORCE_OPEN, "forced open"));
		}

		Given disabled() {
			return step("disabled", (run) -> run.operate(OperatorCommand.DISABLE, "disabled"));
		}

		Given merged(long calls, long failures, long trailing, boolean hadSuccess) {
			return step("a batch of " + calls + " calls merged",
					(run) -> run.merge(calls, failures, trailing, hadSuccess, 0, false));
		}

		Given reset() {
			return step("reset", (run) -> run.operate(OperatorCommand.CLOSE, "reset"));
		}

		@Override
		public String toString() {
			return this.label.toString();
		}

	}

	/**
	 * What must hold after the event. Whatever a row does not name is expected to be zero or
	 * unchanged: every count of {@link CircuitSnapshot} zero, no transition told, the same epoch unless
	 * a transition was told (every transition starts a new epoch), an outcome counted.
	 */
	static final class Then {

		private final CircuitState state;

		private long calls;

		private long failedCalls;

		private long slowCalls;

		private int consecutiveFailures;

		private int trialCallsInFlight;

		private int trialSuccesses;

		private int reopens;

		private final List<ExpectedTransition> transitions = new ArrayList<>();

		private @Nullable Boolean newEpoch;

		private boolean counted = true;

		private @Nullable Boolean admitted;

		private boolean trial;

		private @Nullable Duration retryAfterAtMost;

		private boolean noRetryAfter;

		private @Nullable Duration openFor;

		private Then(CircuitState state) {
			this.state = state;
		}

		Then calls(long calls) {
			this.calls = calls;
			return this;
		}

		Then failedCalls(long failedCalls) {
			this.failedCalls = failedCalls;
			return this;
		}

		Then slowCalls(long slowCalls) {
			this.slowCalls = slowCalls;
			return this;
		}

		Then consecutiveFailures(int consecutiveFailures) {
			this.consecutiveFailures = consecutiveFailures;
			return this;
		}

		Then trialCallsInFlight(int trialCallsInFlight) {
			this.trialCallsInFlight = trialCallsInFlight;
			return this;
		}

		Then trialSuccesses(int trialSuccesses) {
			this.trialSuccesses = trialSuccesses;
			return this;
		}

		Then reopens(int reopens) {
			this.reopens = reopens;
			return this;
		}

		/** The event caused this transition (the next one, if it caused several). */
		Then transition(CircuitState from, CircuitState to, String reason) {
			this.transitions.add(new ExpectedTransition(from, to, reason, false));
			return this;
		}

		/** Like {@link #transition} for reasons that carry a measured time. */
		Then transitionStartingWith(CircuitState from, CircuitState to, String reasonPrefix) {
			this.transitions.add(new ExpectedTransition(from, to, reasonPrefix, true));
			return this;
		}

		/** An epoch above every epoch seen before, also without a transition. */
		Then newEpoch() {
			this.newEpoch = true;
			return this;
		}

		/** The recorded outcome did not count (the reply says so, and no count changed). */
		Then notCounted() {
			this.counted = false;
			return this;
		}

		/** The call asking for permission may run, without a trial permit. */
		Then admitted() {
			this.admitted = true;
			return this;
		}

		/** The call asking for permission may run and holds a trial permit under its id. */
		Then admittedAsTrial() {
			this.admitted = true;
			this.trial = true;
			return this;
		}

		Then rejected() {
			this.admitted = false;
			return this;
		}

		/** A rejected call is told to retry after a positive time of at most {@code atMost}. */
		Then retryAfterAtMost(Duration atMost) {
			this.retryAfterAtMost = atMost;
			return this;
		}

		/** A rejected call is told no time to retry after (nothing but an operator ends the state). */
		Then noRetryAfter() {
			this.noRetryAfter = true;
			return this;
		}

		/** The breaker stays open for this long from when it opened. */
		Then openFor(Duration openFor) {
			this.openFor = openFor;
			return this;
		}

		private void verify(Run run, CircuitSnapshot before, long highestBefore, String row) {
			CircuitSnapshot after = run.snapshot();
			Mismatches check = new Mismatches();
			check.equal("state", after.state(), this.state);
			check.equal("calls", after.calls(), this.calls);
			check.equal("failedCalls", after.failedCalls(), this.failedCalls);
			check.equal("slowCalls", after.slowCalls(), this.slowCalls);
			check.equal("consecutiveFailures", after.consecutiveFailures(), this.consecutiveFailures);
			check.equal("trialCallsInFlight", after.trialCallsInFlight(), this.trialCallsInFlight);
			check.equal("trialSuccesses", after.trialSuccesses(), this.trialSuccesses);
			check.equal("reopens", after.reopens(), this.reopens);
			verifyTransitions(check, run.toldInEvent(), after, highestBefore);
			boolean expectNewEpoch = (this.newEpoch != null) ? this.newEpoch : !this.transitions.isEmpty();
			if (expectNewEpoch) {
				check.that("a new epoch above every epoch seen before (" + highestBefore + ")", after.epoch(),
						after.epoch() > highestBefore);
			}
			else {
				check.equal("the same epoch", after.epoch(), before.epoch());
			}
			StateChange change = run.eventChange;
			if (change != null) {
				check.equal("the outcome counted", change.counted(), this.counted);
				check.equal("the state the record reply names", change.state(), after.state());
				check.equal("the epoch the record reply names", change.epoch(), after.epoch());
			}
			verifyAdmission(check, run, after);
			if (this.openFor != null) {
				check.equal("open for",
						(after.changedAt() != null && after.nextTrialAt() != null)
								? Duration.between(after.changedAt(), after.nextTrialAt()) : null,
						this.openFor);
			}
			check.assertNone(row, after);
		}

		private void verifyTransitions(Mismatches check, List<StateTransition> told, CircuitSnapshot after,
				long highestBefore) {
			List<String> expected = this.transitions.stream().map(ExpectedTransition::toString).toList();
			List<String> actual = new ArrayList<>();
			for (int i = 0; i < told.size(); i++) {
				StateTransition transition = told.get(i);
				boolean prefix = i < this.transitions.size() && this.transitions.get(i).prefix()
						&& transition.reason().startsWith(this.transitions.get(i).reason());
				actual.add(new ExpectedTransition(transition.from(), transition.to(),
						prefix ? this.transitions.get(i).reason() : transition.reason(), prefix).toString());
			}
			check.equal("transitions told", actual, expected);
			long previous = highestBefore;
			for (StateTransition transition : told) {
				check.that("epoch of " + transition + " above " + previous, transition.epoch(),
						transition.epoch() > previous);
				previous = transition.epoch();
			}
			if (!told.isEmpty()) {
				StateTransition last = told.get(told.size() - 1);
				check.equal("epoch of the last transition", last.epoch(), after.epoch());
				check.equal("the reason the snapshot gives", after.reason(), last.reason());
			}
		}

		private void verifyAdmission(Mismatches check, Run run, CircuitSnapshot after) {
			if (this.admitted == null) {
				return;
			}
			Admission admission = run.eventAdmission;
			if (admission == null) {
				check.that("a call asked for permission", null, false);
				return;
			}
			check.equal("allowed", admission.allowed(), this.admitted);
			check.equal("the state the decision was made in", admission.state(), after.state());
			check.equal("the epoch the call runs under", admission.epoch(), after.epoch());
			check.equal("the trial permit", admission.permitId(), this.trial ? run.eventPermitId : null);
			Duration retryAfter = admission.retryAfter();
			if (this.retryAfterAtMost != null) {
				check.that("retry after a positive time of at most " + this.retryAfterAtMost, retryAfter,
						retryAfter != null && retryAfter.compareTo(Duration.ZERO) > 0
								&& retryAfter.compareTo(this.retryAfterAtMost) <= 0);
			}
			if (this.noRetryAfter) {
				check.equal("retry after", retryAfter, null);
			}
		}

	}

	/** Every way a row's result differs from what it expects, so one failure shows the whole drift. */
	private static final class Mismatches {

		private final List<String> found = new ArrayList<>();

		void equal(String what, @Nullable Object actual, @Nullable Object expected) {
			if (!Objects.equals(actual, expected)) {
				this.found.add(what + ": expected " + expected + " but was " + actual);
			}
		}

		void that(String what, @Nullable Object actual, boolean holds) {
			if (!holds) {
				this.found.add(what + ": was " + actual);
			}
		}

		void assertNone(String row, CircuitSnapshot after) {
			if (!this.found.isEmpty()) {
				throw new AssertionError(row + ":\n  " + String.join("\n  ", this.found)
						+ "\n  (snapshot after: " + after + ")");
			}
		}

	}

	private record ExpectedTransition(CircuitState from, CircuitState to, String reason, boolean prefix) {

		@Override
		public String toString() {
			return this.from + " → " + this.to + " (" + this.reason + (this.prefix ? "…" : "") + ")";
		}

	}

	/**
	 * One row being played: the store, the calls it admitted and has not heard from, every epoch and
	 * transition seen. Every operation waits for the store's reply, with a deadline.
	 */
	static final class Run {

		private final BreakerStore store;

		private final CircuitBreakerConfig config;

		private final Duration keyTtl;

		private final Runnable stateLoss;

		private final Map<String, Admission> held = new LinkedHashMap<>();

		private final List<StateTransition> told = new ArrayList<>();

		private int toldBeforeEvent = -1;

		private long highestEpoch;

		private int permitSequence;

		private @Nullable Admission eventAdmission;

		private @Nullable String eventPermitId;

		private @Nullable StateChange eventChange;

		private final java.util.function.Consumer<Duration> keyTtlPassage;

		private Run(BreakerStore store, CircuitBreakerConfig config, Duration keyTtl, Runnable stateLoss,
				java.util.function.Consumer<Duration> keyTtlPassage) {
			this.store = store;
			this.config = config;
			this.keyTtl = keyTtl;
			this.stateLoss = stateLoss;
			this.keyTtlPassage = keyTtlPassage;
		}

		private void perform(Step step, String context) {
			try {
				step.action().accept(this);
			}
			catch (AssertionError | RuntimeException ex) {
				throw new AssertionError(context + ": '" + step.label() + "' failed: " + ex.getMessage(), ex);
			}
		}

		private void startEvent() {
			this.toldBeforeEvent = this.told.size();
			this.eventAdmission = null;
			this.eventPermitId = null;
			this.eventChange = null;
		}

		private List<StateTransition> toldInEvent() {
			return List.copyOf(this.told.subList(this.toldBeforeEvent, this.told.size()));
		}

		String nextPermitId() {
			return "permit-" + (++this.permitSequence);
		}

		Admission acquire(String permitId) {
			Admission admission = reply(this.store.acquire(NAME, this.config, permitId));
			seen(admission.epoch(), admission.transition());
			this.eventAdmission = admission;
			this.eventPermitId = permitId;
			return admission;
		}

		StateChange record(Admission admission, CallOutcome outcome) {
			StateChange change = reply(this.store.record(NAME, this.config, admission, outcome));
			seen(change.epoch(), change.transition());
			this.eventChange = change;
			return change;
		}

		/** A new call is admitted and ends with {@code outcome}. */
		void call(CallOutcome outcome) {
			Admission admission = acquire(nextPermitId());
			if (!admission.allowed()) {
				throw new AssertionError("the call was not admitted: " + admission);
			}
			record(admission, outcome);
		}

		void calls(int count, CallOutcome outcome) {
			for (int i = 0; i < count; i++) {
				call(outcome);
			}
		}

		void hold(String permitId) {
			Admission admission = acquire(permitId);
			if (!admission.allowed()) {
				throw new AssertionError("'" + permitId + "' was not admitted: " + admission);
			}
			this.held.put(permitId, admission);
		}

		void report(String permitId, CallOutcome outcome) {
			Admission admission = this.held.remove(permitId);
			if (admission == null) {
				throw new IllegalStateException("no call holds '" + permitId + "'; hold it in the given first");
			}
			record(admission, outcome);
		}

		private @Nullable OutcomeBatch lastBatch;

		private long epochBefore;

		/** Merges a batch; {@code epochShift} -1 sends it under the epoch before the current one. */
		void merge(long calls, long failures, long trailing, boolean hadSuccess, int epochShift, boolean again) {
			long epoch = snapshot().epoch();
			OutcomeBatch batch = again ? this.lastBatch : new OutcomeBatch(
					(epochShift < 0) ? this.epochBefore : epoch, ++this.batchSequence, calls, failures, 0, trailing,
					hadSuccess);
			if (batch == null) {
				throw new IllegalStateException("no batch was merged before; merge one in the given first");
			}
			this.lastBatch = batch;
			MergeResult result = reply(this.store.merge(NAME, this.config, batch));
			seen(result.epoch(), result.transition());
			this.eventChange = new StateChange(result.counted(), result.state(), result.epoch(), result.transition());
		}

		private long batchSequence;

		void operate(OperatorCommand command, String reason) {
			this.epochBefore = snapshot().epoch();
			StateChange change = reply(this.store.operate(NAME, command, reason));
			seen(change.epoch(), change.transition());
		}

		void loseState() {
			this.stateLoss.run();
		}

		CircuitSnapshot snapshot() {
			CircuitSnapshot snapshot = reply(this.store.snapshot(NAME, this.config));
			seen(snapshot.epoch(), null);
			return snapshot;
		}

		void expectState(CircuitState expected) {
			CircuitState actual = snapshot().state();
			if (actual != expected) {
				throw new AssertionError("expected " + expected + " but the breaker is " + actual);
			}
		}

		private void seen(long epoch, @Nullable StateTransition transition) {
			this.highestEpoch = Math.max(this.highestEpoch, epoch);
			if (transition != null) {
				this.told.add(transition);
			}
		}

		/** The store's reply, waited for with a deadline: outcomes are sent without waiting, replies come later. */
		private static <T> T reply(CompletionStage<T> stage) {
			try {
				return stage.toCompletableFuture().get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (ExecutionException ex) {
				throw new AssertionError("the store failed", ex.getCause());
			}
			catch (TimeoutException ex) {
				throw new AssertionError("no reply from the store within " + DEADLINE, ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError("interrupted", ex);
			}
		}

	}

}
