package io.redisbreaker.store.redis;

import java.time.Instant;
import java.util.List;

import io.redisbreaker.core.CircuitSnapshot;
import io.redisbreaker.core.CircuitState;
import org.jspecify.annotations.Nullable;

/**
 * The reply of {@code snapshot.lua}, in the order of its {@code -- Returns:} header. Times are Redis
 * server time in milliseconds.
 *
 * @param state the state
 * @param epoch the epoch
 * @param now when the snapshot was taken
 * @param openedAt when the breaker last opened, or 0
 * @param openUntil until when it stays open (meaningful only while open), or 0
 * @param changedAt when the state last changed, or 0 if it never did
 * @param reason why it last changed, or empty
 * @param opens consecutive failed half-open periods
 * @param trialOk successful trial calls in the current half-open period
 * @param permitsInFlight trial permits whose lease still runs
 * @param streak the current run of failures inside the window
 * @param calls calls in the window
 * @param failures failed calls in the window
 * @param slowCalls slow calls in the window
 * @param live whether any of the breaker's state or counts is stored
 * @param settingsHash the settings hash the last instance to check its settings recorded, or empty
 */
record SnapshotReply(CircuitState state, long epoch, long now, long openedAt, long openUntil, long changedAt,
		String reason, long opens, long trialOk, long permitsInFlight, long streak, long calls, long failures,
		long slowCalls, boolean live, String settingsHash) {

	static final String SCRIPT = "snapshot.lua";

	private static final List<String> FIELDS = ScriptArguments.names(SnapshotReply.class);

	static SnapshotReply parse(@Nullable List<Object> reply) {
		ReplyReader read = ReplyReader.of(SCRIPT, FIELDS, reply);
		SnapshotReply parsed = new SnapshotReply(read.state(), read.number(), read.number(), read.number(),
				read.number(), read.number(), read.text(), read.number(), read.number(), read.number(), read.number(),
				read.number(), read.number(), read.number(), read.flag(), read.text());
		read.end(null, null);
		return parsed;
	}

	CircuitSnapshot snapshot(String name) {
		return new CircuitSnapshot(name, this.state, this.epoch,
				(this.changedAt > 0) ? Instant.ofEpochMilli(this.changedAt) : null, this.reason,
				(this.state == CircuitState.OPEN) ? Instant.ofEpochMilli(this.openUntil) : null, (int) this.streak,
				this.calls, this.failures, this.slowCalls, (int) this.permitsInFlight, (int) this.trialOk,
				(int) this.opens, (this.openedAt > 0) ? Instant.ofEpochMilli(this.openedAt) : null, this.live,
				this.settingsHash, CircuitSnapshot.Source.SHARED);
	}

}
