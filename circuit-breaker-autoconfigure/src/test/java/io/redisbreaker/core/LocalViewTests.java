package io.redisbreaker.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The local view's decisions against explicit clock readings, so the staleness bound is checked
 * exactly rather than by waiting it out. Against Redis: {@code BoundedConsistencyTests}.
 */
class LocalViewTests {

	private static final long MAX_STALENESS = 100_000_000L;

	private static final long MS = 1_000_000L;

	private final CircuitBreakerConfig config = CircuitBreakerConfig.ofDefaults();

	@Test
	void aClosedViewDecidesUntilItIsMaxStalenessOldAndThenTheStoreDoes() {
		LocalView view = new LocalView();
		long asked = System.nanoTime();
		view.learn(read(CircuitState.CLOSED, 7, 0), asked);
		assertThat(view.decide(asked + MAX_STALENESS, MAX_STALENESS)).isNotNull().satisfies((admission) -> {
			assertThat(admission.allowed()).isTrue();
			assertThat(admission.epoch()).isEqualTo(7);
		});
		assertThat(view.decide(asked + MAX_STALENESS + 1, MAX_STALENESS)).isNull();
	}

	@Test
	void anOpenViewRejectsUntilTheOpenTimeRedisReportedAndThenTheStoreDecides() {
		LocalView view = new LocalView();
		long asked = System.nanoTime();
		view.learn(read(CircuitState.OPEN, 7, 50), asked);
		Admission rejected = view.decide(asked + 49 * MS, MAX_STALENESS);
		assertThat(rejected).isNotNull();
		assertThat(rejected.allowed()).isFalse();
		assertThat(rejected.retryAfter()).isNotNull().isPositive();
		assertThat(view.decide(asked + 50 * MS, MAX_STALENESS)).as("the open time ran out").isNull();
	}

	@Test
	void aHeardTransitionThatAdmitsCallsWaitsForARead() {
		LocalView view = new LocalView();
		long asked = System.nanoTime();
		view.learn(read(CircuitState.OPEN, 7, 60_000), asked);
		view.learn(new StateTransition("t", CircuitState.OPEN, CircuitState.CLOSED, 8, "forced close", "b", false),
				this.config);
		assertThat(view.state()).isEqualTo(CircuitState.CLOSED);
		assertThat(view.decide(System.nanoTime(), MAX_STALENESS)).as("not trusted before a read").isNull();
		view.learn(read(CircuitState.CLOSED, 8, 0), System.nanoTime());
		assertThat(view.decide(System.nanoTime(), MAX_STALENESS)).isNotNull();
	}

	@Test
	void anOvertakenReplyIsDroppedAndALowerEpochAskedForLaterMeansTheStateWasLost() {
		LocalView view = new LocalView();
		long early = System.nanoTime();
		view.learn(read(CircuitState.FORCED_OPEN, 9, 0), early + 10 * MS);
		view.learn(read(CircuitState.CLOSED, 7, 0), early);
		assertThat(view.state()).as("a reply asked for before what the view holds").isEqualTo(CircuitState.FORCED_OPEN);
		view.learn(read(CircuitState.CLOSED, 0, 0), early + 20 * MS);
		assertThat(view.state()).as("epoch 0 asked for later: the state was lost").isEqualTo(CircuitState.CLOSED);
	}

	private static MergeResult read(CircuitState state, long epoch, long openRemainingMillis) {
		return new MergeResult(false, state, epoch, openRemainingMillis, 0, 0, 0, 0, null, "");
	}

}
