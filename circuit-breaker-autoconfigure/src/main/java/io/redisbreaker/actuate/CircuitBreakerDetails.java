package io.redisbreaker.actuate;

import java.time.Instant;
import java.util.Locale;

import io.redisbreaker.core.CircuitBreaker;
import io.redisbreaker.core.CircuitBreakerConfig;
import io.redisbreaker.core.CircuitSnapshot;
import org.jspecify.annotations.Nullable;

/**
 * One breaker as the {@code circuitbreakers} endpoint shows it: Resilience4j's fields (rates as
 * {@code "50.0%"} strings, {@code "-1.0%"} while fewer than the minimum calls are in the window), then
 * what a shared breaker adds.
 *
 * @param state the shared state
 * @param failureRate failed calls in the window, in percent
 * @param slowCallRate slow calls in the window, in percent
 * @param failureRateThreshold the failure rate that opens the breaker
 * @param slowCallRateThreshold the slow-call rate that opens the breaker
 * @param failureThreshold consecutive failures that open the breaker
 * @param successThreshold trial successes that close it
 * @param minimumCalls calls in the window before the rates count
 * @param halfOpenMaxCalls trial calls per half-open period, fleet-wide
 * @param openTimeout how long it first stays open
 * @param slidingWindow the window the counts cover
 * @param bufferedCalls calls counted in the window, by every instance
 * @param failedCalls failed calls in the window, by every instance
 * @param slowCalls slow calls in the window, by every instance
 * @param consecutiveFailures the current run of failures inside the window
 * @param notPermittedCalls calls this instance did not permit (0 when it never used the breaker)
 * @param openedAt when it last opened, or {@code null}
 * @param nextTrialAt when an open breaker permits trial calls, or {@code null}
 * @param changedAt when the state last changed, or {@code null}
 * @param reason why it last changed
 * @param epoch the state epoch
 * @param source {@code shared} (read from Redis) or {@code local} (this instance's fallback breaker)
 * @param settingsHash the hash of the settings this instance uses for it
 * @param settingsMismatch whether the settings last recorded by an instance differ from this instance's
 * @param openHereOnly why the breaker is open on this instance alone (its failures crossed a threshold
 * while fewer than minimum-failing-instances instances were failing), or {@code null}
 */
public record CircuitBreakerDetails(String state, String failureRate, String slowCallRate,
		String failureRateThreshold, String slowCallRateThreshold, int failureThreshold, int successThreshold,
		int minimumCalls, int halfOpenMaxCalls, String openTimeout, String slidingWindow, long bufferedCalls,
		long failedCalls, long slowCalls, int consecutiveFailures, long notPermittedCalls, @Nullable Instant openedAt,
		@Nullable Instant nextTrialAt, @Nullable Instant changedAt, String reason, long epoch, String source,
		String settingsHash, boolean settingsMismatch, @Nullable String openHereOnly) {

	static CircuitBreakerDetails of(CircuitSnapshot snapshot, CircuitBreakerConfig config,
			@Nullable CircuitBreaker here) {
		boolean rated = snapshot.calls() >= config.getMinimumCalls() && snapshot.calls() > 0;
		return new CircuitBreakerDetails(snapshot.state().name(), percent(rated ? snapshot.failureRate() : -1),
				percent(rated ? snapshot.slowCallRate() : -1), percent(config.getFailureRateThreshold()),
				percent(config.getSlowCallRateThreshold()), config.getFailureThreshold(), config.getSuccessThreshold(),
				config.getMinimumCalls(), config.getHalfOpenMaxCalls(), config.getOpenTimeout().toString(),
				config.getSlidingWindow().toString(), snapshot.calls(), snapshot.failedCalls(), snapshot.slowCalls(),
				snapshot.consecutiveFailures(), (here != null) ? here.getCallCounts().notPermittedCalls() : 0,
				snapshot.openedAt(), snapshot.nextTrialAt(), snapshot.changedAt(), snapshot.reason(), snapshot.epoch(),
				snapshot.source().name().toLowerCase(Locale.ROOT), config.settingsHash(),
				!snapshot.settingsHash().isEmpty() && !snapshot.settingsHash().equals(config.settingsHash()),
				(here != null) ? here.getOpenHereOnly() : null);
	}

	private static String percent(float value) {
		return String.format(Locale.ROOT, "%.1f%%", value);
	}

}
