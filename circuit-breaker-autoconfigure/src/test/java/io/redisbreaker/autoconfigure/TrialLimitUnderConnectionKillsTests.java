package io.redisbreaker.autoconfigure;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import io.redisbreaker.core.CallPermit;
import io.redisbreaker.core.CircuitBreaker;
import io.redisbreaker.core.CircuitBreakerRegistry;
import io.redisbreaker.testsupport.Await;
import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.RespClient;
import io.redisbreaker.testsupport.WithRedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Defect 16: three instances run half-open cycles while every client connection is killed again and
 * again ({@code CLIENT KILL TYPE normal}). A killed connection is no outage: it is ridden out by
 * reconnect and retry inside the decision budget, so no instance falls back to its local breaker and
 * adds trial calls of its own; the fleet-wide trial limit holds in every cycle.
 */
@WithRedisServer
@ExtendWith(OutputCaptureExtension.class)
class TrialLimitUnderConnectionKillsTests {

	private static final String BREAKER = "killed/trials";

	private static final int TRIAL_LIMIT = 2;

	private static final int CYCLES = 3;

	private final RedisServer server;

	TrialLimitUnderConnectionKillsTests(RedisServer server) {
		this.server = server;
	}

	@Test
	void theFleetWideTrialLimitHoldsWhileConnectionsAreKilled(CapturedOutput output) throws Exception {
		instance("a").run((a) -> instance("b").run((b) -> instance("c").run((c) -> {
			List<CircuitBreaker> fleet = List.of(breaker(a), breaker(b), breaker(c));
			List<Integer> trialsPerCycle = new ArrayList<>();
			for (int cycle = 0; cycle < CYCLES; cycle++) {
				trialsPerCycle.add(halfOpenCycle(fleet));
			}
			System.out.println("Trial calls per half-open cycle: " + trialsPerCycle);
			assertThat(trialsPerCycle).as("trial calls per half-open cycle, across three instances")
				.allSatisfy((trials) -> assertThat(trials).isBetween(1, TRIAL_LIMIT));
		})));
	}

	@Test
	void aKilledConnectionIsRiddenOutWithinTheBudget(CapturedOutput output) {
		instance("single").run((context) -> {
			CircuitBreaker breaker = breaker(context);
			for (int i = 1; i <= 5; i++) {
				this.server.command("CLIENT", "KILL", "TYPE", "normal");
				CallPermit permit = breaker.acquirePermission();
				permit.recordSuccess();
				String calls = Integer.toString(i);
				Await.until(Duration.ofSeconds(10),
						() -> calls.equals(this.server.command("HGET", "cb:{" + BREAKER + "}:window", "c")),
						"outcome " + i + " to count in Redis");
			}
			assertThat(output.getOut()).as("a killed connection is no outage")
				.doesNotContain("Redis is unavailable for circuit breakers");
		});
	}

	/** Opens the breaker, lets it go half-open under connection kills, and counts the trial calls. */
	private int halfOpenCycle(List<CircuitBreaker> fleet) throws Exception {
		CircuitBreaker first = fleet.get(0);
		// The connections were just killed again and again: an operator command may fail, and says so.
		Await.until(Duration.ofSeconds(10), () -> {
			try {
				first.reset();
				first.acquirePermission().recordFailure(new IOException("down"));
			}
			catch (RuntimeException ex) {
				return false;
			}
			return Await.value(Duration.ofSeconds(2), this::redisState, "OPEN"::equals, "the breaker to open") != null;
		}, "the breaker to open");
		Await.until(Duration.ofSeconds(10), this::openTimeRanOut, "the open timeout to run out");

		AtomicInteger trials = new AtomicInteger();
		AtomicBoolean killing = new AtomicBoolean(true);
		ExecutorService threads = Executors.newFixedThreadPool(2 * fleet.size() + 1);
		try (RespClient killer = new RespClient(this.server.host(), this.server.port())) {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> work = new ArrayList<>();
			work.add(threads.submit(() -> {
				start.await();
				// SKIPME yes (the default): this client survives its own kills. Every 100 ms, as a flaky
				// network or a proxy recycling connections would.
				while (killing.get()) {
					killer.command("CLIENT", "KILL", "TYPE", "normal");
					LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
				}
				return null;
			}));
			for (CircuitBreaker instance : fleet) {
				for (int t = 0; t < 2; t++) {
					work.add(threads.submit(() -> {
						start.await();
						long deadline = System.nanoTime() + Duration.ofMillis(1500).toNanos();
						while (System.nanoTime() < deadline) {
							instance.tryAcquirePermission().ifPresent((permit) -> finish(permit, trials));
							// Steady traffic, a call every 5 ms per thread, rather than a spin that would starve
							// the two cores this runs on.
							LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
						}
						return null;
					}));
				}
			}
			start.countDown();
			for (Future<?> worker : work.subList(1, work.size())) {
				worker.get(30, TimeUnit.SECONDS);
			}
			killing.set(false);
			work.get(0).get(10, TimeUnit.SECONDS);
		}
		finally {
			threads.shutdownNow();
		}
		// Calls go on until the half-open period ends: a trial whose reply a kill took holds its slot
		// until its lease runs out, and then another call takes the slot.
		Await.until(Duration.ofSeconds(20), () -> {
			first.tryAcquirePermission().ifPresent((permit) -> finish(permit, trials));
			return "CLOSED".equals(redisState());
		}, "the trial successes to close the breaker");
		return trials.get();
	}

	private static void finish(CallPermit permit, AtomicInteger trials) {
		if (permit.isTrial()) {
			trials.incrementAndGet();
		}
		permit.recordSuccess();
	}

	private Object redisState() {
		return this.server.command("HGET", "cb:{" + BREAKER + "}", "state");
	}

	private boolean openTimeRanOut() {
		Object openUntil = this.server.command("HGET", "cb:{" + BREAKER + "}", "open_until");
		List<?> time = (List<?>) this.server.command("TIME");
		long now = Long.parseLong(String.valueOf(time.get(0))) * 1000 + Long.parseLong(String.valueOf(time.get(1))) / 1000;
		return openUntil != null && Long.parseLong(String.valueOf(openUntil)) <= now;
	}

	private static CircuitBreaker breaker(AssertableApplicationContext context) {
		assertThat(context).hasNotFailed();
		return context.getBean(CircuitBreakerRegistry.class).circuitBreaker(BREAKER);
	}

	private ApplicationContextRunner instance(String id) {
		// The production budget: the tests' usual 5 s timeout would hide what this test is about.
		return BreakerTestContexts.runner(this.server)
			.withPropertyValues("circuitbreaker.instance-id=" + id, "circuitbreaker.redis-timeout=250ms",
					"circuitbreaker.redis-slow-threshold=100ms",
					"circuitbreaker.instances[" + BREAKER + "].failure-threshold=1",
					// Longer than any outage a busy machine makes of the kills: the limit is exact only while no
					// instance is cut off for a whole open timeout (the README says what holds then).
					"circuitbreaker.instances[" + BREAKER + "].open-timeout=5s",
					"circuitbreaker.instances[" + BREAKER + "].half-open-max-calls=" + TRIAL_LIMIT,
					"circuitbreaker.instances[" + BREAKER + "].success-threshold=" + TRIAL_LIMIT,
					"circuitbreaker.instances[" + BREAKER + "].half-open-permit-lease=3s",
					"circuitbreaker.instances[" + BREAKER + "].minimum-calls=100000");
	}

}
