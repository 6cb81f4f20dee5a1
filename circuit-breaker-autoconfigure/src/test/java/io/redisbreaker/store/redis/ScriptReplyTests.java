package io.redisbreaker.store.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.redisbreaker.core.Admission;
import io.redisbreaker.core.CircuitSnapshot;
import io.redisbreaker.core.CircuitState;
import io.redisbreaker.core.StateChange;
import io.redisbreaker.core.StateTransition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The replies are read by name, as the scripts send them (integers as Long, strings as bytes), and a
 * reply no script sends fails with an IllegalArgumentException naming the script, the field and the
 * value: the failover store then takes it for one broken breaker, not a broken Redis.
 */
class ScriptReplyTests {

	@Test
	void acquireReadsEachValue() {
		AcquireReply reply = AcquireReply
			.parse(reply(1L, "HALF_OPEN", 77L, 1L, 0L, "OPEN", "HALF_OPEN", "timeout: 1.0s"));
		assertThat(reply).isEqualTo(new AcquireReply(true, CircuitState.HALF_OPEN, 77, true, 0, CircuitState.OPEN,
				CircuitState.HALF_OPEN, "timeout: 1.0s"));
		Admission admission = reply.admission("orders", "p-1", "a");
		assertThat(admission).isEqualTo(new Admission(true, CircuitState.HALF_OPEN, 77, "p-1", null,
				Admission.Issuer.SHARED, new StateTransition("orders", CircuitState.OPEN, CircuitState.HALF_OPEN, 77,
						"timeout: 1.0s", "a", true)));
	}

	@Test
	void aRejectionCarriesItsRetryAfterAndNoPermit() {
		Admission admission = AcquireReply.parse(reply(0L, "OPEN", 5L, 0L, 1500L, "", "", "")).admission("orders",
				"p-1", "a");
		assertThat(admission.permitId()).isNull();
		assertThat(admission.retryAfter()).isEqualTo(Duration.ofMillis(1500));
		assertThat(admission.transition()).isNull();
		assertThat(AcquireReply.parse(reply(0L, "FORCED_OPEN", 5L, 0L, -1L, "", "", "")).admission("orders", "p-1", "a")
			.retryAfter()).isNull();
	}

	@Test
	void recordAndChangesReadEachValue() {
		StateChange counted = RecordReply.parse(reply(1L, "OPEN", 9L, "CLOSED", "OPEN", "failures: 2/2"))
			.change("orders", "a");
		assertThat(counted).isEqualTo(new StateChange(true, CircuitState.OPEN, 9,
				new StateTransition("orders", CircuitState.CLOSED, CircuitState.OPEN, 9, "failures: 2/2", "a", true)));
		assertThat(RecordReply.parse(reply(0L, "CLOSED", 3L, "", "", "")).change("orders", "a"))
			.isEqualTo(new StateChange(false, CircuitState.CLOSED, 3, null));
		assertThat(ChangeReply.parse(ChangeReply.OPERATE, reply("DISABLED", 4L, "", "", "")).change("orders", "a"))
			.isEqualTo(new StateChange(true, CircuitState.DISABLED, 4, null));
	}

	@Test
	void snapshotReadsEachValue() {
		CircuitSnapshot snapshot = SnapshotReply
			.parse(reply("OPEN", 10L, 5000L, 4000L, 6000L, 4000L, "failures: 2/2", 1L, 0L, 2L, 3L, 40L, 20L, 5L, 1L,
					"0a1b2c3d"))
			.snapshot("orders");
		assertThat(snapshot).isEqualTo(new CircuitSnapshot("orders", CircuitState.OPEN, 10, Instant.ofEpochMilli(4000),
				"failures: 2/2", Instant.ofEpochMilli(6000), 3, 40, 20, 5, 2, 0, 1, Instant.ofEpochMilli(4000), true,
				"0a1b2c3d", CircuitSnapshot.Source.SHARED));
		CircuitSnapshot fresh = SnapshotReply
			.parse(reply("CLOSED", 0L, 5000L, 0L, 0L, 0L, "", 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, ""))
			.snapshot("orders");
		assertThat(fresh.changedAt()).isNull();
		assertThat(fresh.nextTrialAt()).isNull();
		assertThat(fresh.openedAt()).isNull();
		assertThat(fresh.stored()).isFalse();
	}

	@Test
	void checkReadsRefusalsInPairs() {
		assertThat(CheckReply.parse(reply("PUBLISH", "NOPERM no channel", "DEL", "NOPERM no key")).refusals())
			.containsExactly(new CheckReply.Refusal("PUBLISH", "NOPERM no channel"),
					new CheckReply.Refusal("DEL", "NOPERM no key"));
		assertThat(CheckReply.parse(reply()).refusals()).isEmpty();
		assertThatExceptionOfType(ScriptReplyException.class).isThrownBy(() -> CheckReply.parse(reply("PUBLISH")))
			.withMessageStartingWith("check.lua replied 1 values ['PUBLISH'], expected [command, error] repeated");
	}

	@Test
	void aReplyOfTheWrongLengthNamesTheScriptAndWhatItExpected() {
		assertThatExceptionOfType(ScriptReplyException.class)
			.isThrownBy(() -> RecordReply.parse(reply(1L, "OPEN", 9L, "", "")))
			.isInstanceOf(IllegalArgumentException.class)
			.withMessage("record.lua replied 5 values [1, 'OPEN', 9, '', ''], expected 6 values "
					+ "[counted, state, epoch, from, to, reason]");
		assertThatExceptionOfType(ScriptReplyException.class).isThrownBy(() -> AcquireReply.parse(null))
			.withMessageStartingWith("acquire.lua replied nothing, expected 8 values");
	}

	@Test
	void aValueOfTheWrongKindNamesTheScriptTheFieldAndTheValue() {
		assertThatExceptionOfType(ScriptReplyException.class)
			.isThrownBy(() -> AcquireReply.parse(reply(1L, "HALF_OPEN", "x", 1L, 0L, "", "", "")))
			.withMessage("acquire.lua replied epoch = 'x' (expected an integer) at position 3 of 8");
		assertThatExceptionOfType(ScriptReplyException.class)
			.isThrownBy(() -> AcquireReply.parse(reply(2L, "CLOSED", 1L, 0L, 0L, "", "", "")))
			.withMessage("acquire.lua replied allowed = 2 (expected 0 or 1) at position 1 of 8");
		assertThatExceptionOfType(ScriptReplyException.class)
			.isThrownBy(() -> ChangeReply.parse(ChangeReply.RECONCILE, reply("HALF_CLOSED", 1L, "", "", "")))
			.withMessage("reconcile.lua replied state = 'HALF_CLOSED' (expected a state) at position 1 of 5");
		assertThatExceptionOfType(ScriptReplyException.class)
			.isThrownBy(() -> SnapshotReply
				.parse(reply("OPEN", 10L, 5000L, 4000L, 6000L, 4000L, 7L, 1L, 0L, 2L, 3L, 40L, 20L, 5L, 1L, "")))
			.withMessage("snapshot.lua replied reason = 7 (expected a string) at position 7 of 16");
		assertThatExceptionOfType(ScriptReplyException.class)
			.isThrownBy(() -> RecordReply.parse(reply(1L, "CLOSED", 1L, "", "", null)))
			.withMessage("record.lua replied reason = null (expected a string) at position 6 of 6");
	}

	@Test
	void anIntegerSentAsTextIsReadAsBefore() {
		assertThat(ChangeReply.parse(ChangeReply.OPERATE, reply("CLOSED", "12", "", "", "")).epoch()).isEqualTo(12);
	}

	@Test
	void aTransitionIsBothStatesOrNone() {
		assertThatExceptionOfType(ScriptReplyException.class)
			.isThrownBy(() -> RecordReply.parse(reply(1L, "OPEN", 9L, "CLOSED", "", "failures: 2/2")))
			.withMessageStartingWith("record.lua replied a transition from CLOSED to null: both or neither");
	}

	/** A reply as Lettuce hands it over: integers as Long, strings as bytes. */
	private static List<Object> reply(Object... values) {
		List<Object> reply = new ArrayList<>();
		Arrays.stream(values)
			.map((value) -> (value instanceof String text) ? text.getBytes(StandardCharsets.UTF_8) : value)
			.forEach(reply::add);
		return reply;
	}

}
