package io.redisbreaker.cli;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import io.redisbreaker.core.BreakerNames;
import io.redisbreaker.core.CircuitState;
import org.jspecify.annotations.Nullable;

/**
 * One message of the transition channel, {@code name TAB from TAB to TAB epoch TAB origin TAB reason}
 * as {@code common.lua} publishes it (and {@code RedisTransitionSubscriber} reads it), with the time
 * it was heard: the message carries none.
 */
record TransitionMessage(Instant heardAt, String name, CircuitState from, CircuitState to, long epoch, String instance,
		String reason) {

	/**
	 * The message, or {@code null} for one that is not a transition: the instances' startup permission
	 * check publishes under a name no breaker may have ({@code #startup-check}).
	 */
	static @Nullable TransitionMessage parse(String body, Instant heardAt) {
		String[] fields = body.split("\t", 6);
		if (fields.length != 6 || !BreakerNames.isValid(fields[0])) {
			return null;
		}
		try {
			return new TransitionMessage(heardAt, fields[0], CircuitState.valueOf(fields[1]),
					CircuitState.valueOf(fields[2]), Long.parseLong(fields[3]), fields[4], fields[5]);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	/** {@code 2026-12-02T15:30:01.123Z orders CLOSED -> OPEN epoch=3 instance=app-1 reason=failures: 5/5} */
	String line() {
		return this.heardAt + " " + this.name + " " + this.from + " -> " + this.to + " epoch=" + this.epoch
				+ " instance=" + this.instance + " reason=" + this.reason;
	}

	Map<String, Object> document() {
		Map<String, Object> document = new LinkedHashMap<>();
		document.put("time", this.heardAt);
		document.put("circuitBreakerName", this.name);
		document.put("stateTransition", this.from + "_TO_" + this.to);
		document.put("from", this.from.name());
		document.put("to", this.to.name());
		document.put("epoch", this.epoch);
		document.put("instance", this.instance);
		document.put("reason", this.reason);
		return document;
	}

}
