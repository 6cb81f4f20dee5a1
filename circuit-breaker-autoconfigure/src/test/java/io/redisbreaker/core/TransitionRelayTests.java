package io.redisbreaker.core;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Defects 4 and 7: a transition reaches the listeners once, whichever paths bring it, and never after
 * a newer one of the same breaker.
 */
class TransitionRelayTests {

	private final List<StateTransition> told = new CopyOnWriteArrayList<>();

	private final TransitionRelay relay = new TransitionRelay(this.told::add);

	private static StateTransition transition(String name, CircuitState from, CircuitState to, long epoch,
			boolean local) {
		return new StateTransition(name, from, to, epoch, "test", "a", local);
	}

	@Test
	void aTransitionArrivingByTwoPathsIsToldOnce() {
		StateTransition fromReply = transition("b", CircuitState.CLOSED, CircuitState.OPEN, 10, true);
		StateTransition fromChannel = transition("b", CircuitState.CLOSED, CircuitState.OPEN, 10, true);
		assertThat(this.relay.tell(fromReply)).isTrue();
		assertThat(this.relay.tell(fromChannel)).isFalse();
		assertThat(this.told).containsExactly(fromReply);
	}

	@Test
	void aTransitionOlderThanOneAlreadyToldIsDropped() {
		StateTransition newer = transition("b", CircuitState.OPEN, CircuitState.HALF_OPEN, 20, false);
		StateTransition older = transition("b", CircuitState.CLOSED, CircuitState.OPEN, 10, false);
		this.relay.tell(newer);
		assertThat(this.relay.tell(older)).isFalse();
		assertThat(this.told).containsExactly(newer);
	}

	@Test
	void breakersAreOrderedEachOnTheirOwn() {
		this.relay.tell(transition("a", CircuitState.CLOSED, CircuitState.OPEN, 20, false));
		assertThat(this.relay.tell(transition("b", CircuitState.CLOSED, CircuitState.OPEN, 10, false))).isTrue();
		assertThat(this.told).extracting(StateTransition::circuitBreakerName).containsExactly("a", "b");
	}

}
