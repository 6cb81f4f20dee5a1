package io.redisbreaker.reliability;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import io.redisbreaker.testsupport.Await;
import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.RespClient;

import static io.redisbreaker.reliability.Figures.millis;
import static org.assertj.core.api.Assertions.assertThat;

/** What the fleet test classes share: breaker settings on the command line, resets, Redis time. */
final class FleetSupport {

	private FleetSupport() {
	}

	/** Adds {@code --circuitbreaker.instances[breaker].consistency=mode} and the breaker's settings. */
	static void settings(List<String> args, String breaker, String mode, String... settings) {
		args.add("--circuitbreaker.instances[" + breaker + "].consistency=" + mode);
		for (String setting : settings) {
			args.add("--circuitbreaker.instances[" + breaker + "]." + setting);
		}
	}

	/**
	 * Resets the breaker through {@code operator}'s endpoint and waits until every process admits calls;
	 * answers how long that took, in ms (polled over HTTP, so a few ms coarse).
	 */
	static double closeAndAwaitAllAllowing(List<HarnessProcess> fleet, HarnessProcess operator, String breaker,
			Duration wait) {
		long asked = System.nanoTime();
		operator.updateState(breaker, "RESET");
		for (HarnessProcess process : fleet) {
			Await.until(wait, () -> {
				Map<String, String> decision = process.get("/decide?breaker=" + breaker);
				return "true".equals(decision.get("allowed")) && "SHARED".equals(decision.get("issuer"));
			}, process.id() + " to admit calls of " + breaker + " after RESET");
		}
		return millis(System.nanoTime() - asked);
	}

	/**
	 * nanoTime minus Redis time (TIME, in ns), from the quickest of 20 round trips; its error is at most half
	 * that round trip, asserted below {@code maxErrorMillis}.
	 */
	static long redisClockOffset(RedisServer redis, long maxErrorMillis) {
		long best = Long.MAX_VALUE;
		long offset = 0;
		try (RespClient client = redis.client()) {
			for (int i = 0; i < 20; i++) {
				long before = System.nanoTime();
				List<?> time = (List<?>) client.command("TIME");
				long after = System.nanoTime();
				long redisNanos = (Long.parseLong(String.valueOf(time.get(0))) * 1_000_000
						+ Long.parseLong(String.valueOf(time.get(1)))) * 1000;
				if (after - before < best) {
					best = after - before;
					offset = (before + (after - before) / 2) - redisNanos;
				}
			}
		}
		assertThat(best).as("round trip of TIME, ns").isLessThan(maxErrorMillis * 1_000_000L);
		return offset;
	}

	/** The request sent to every process at once; the answers in the fleet's order. */
	static <T> List<T> parallel(List<HarnessProcess> processes, Function<HarnessProcess, T> request) {
		List<CompletableFuture<T>> futures = processes.stream()
			.map((p) -> CompletableFuture.supplyAsync(() -> request.apply(p)))
			.toList();
		return futures.stream().map(CompletableFuture::join).toList();
	}

}
