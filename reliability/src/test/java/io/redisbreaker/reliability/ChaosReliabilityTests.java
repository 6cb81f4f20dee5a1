package io.redisbreaker.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import io.redisbreaker.reliability.LoadedFault.Mode;
import io.redisbreaker.testsupport.Await;
import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.RespClient;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Chaos under load: {@value #PROCESSES} {@link HarnessProcess harness processes} on one real
 * {@code redis-server} process each run {@value LoadedFault#RATE} business calls per second on a breaker of
 * the scenario, and {@value LoadedFault#DOWN_RATE} per second on a second breaker whose upstream always
 * fails, while a fault is injected into Redis; {@link LoadedFault} says what is checked. Every scenario runs
 * in both consistency modes, on breakers of its own. Figures are printed and appended to
 * {@code target/reliability-results.txt}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChaosReliabilityTests {

	private static final int PROCESSES = 3;

	private static final Duration WAIT = LoadedFault.WAIT;

	private static final int CLIENT_SLACK = 2;

	private static final List<String> SCENARIOS = List.of("restart", "pause", "kill", "flush", "sigkill", "pausewrite");

	private RedisServer redis;

	private final List<HarnessProcess> fleet = new ArrayList<>();

	private LoadedFault loaded;

	@BeforeAll
	void startFleet() {
		// A process, not a container: the restart scenario stops and starts it on the same port.
		this.redis = RedisServer.startProcess();
		try {
			for (int i = 1; i <= PROCESSES; i++) {
				this.fleet.add(HarnessProcess.start("chaos-p" + i, this.redis.host(), this.redis.port(),
						LoadedFault.breakerSettings("chaos", SCENARIOS)));
			}
			this.fleet.forEach(HarnessProcess::awaitReady);
			this.loaded = new LoadedFault("chaos", "chaos", this.fleet, new LoadedFault.Redis() {

				@Override
				public @Nullable Object state(String breaker) {
					return ChaosReliabilityTests.this.redis.command("HGET", "cb:{" + breaker + "}", "state");
				}

				@Override
				public long connectedClients() {
					return Long.parseLong(ChaosReliabilityTests.this.redis.info("clients").get("connected_clients"));
				}

			}, CLIENT_SLACK);
		}
		catch (RuntimeException | Error ex) {
			stopFleet();
			throw ex;
		}
	}

	@AfterAll
	void stopFleet() {
		this.fleet.forEach(HarnessProcess::close);
		if (this.redis != null) {
			this.redis.close();
		}
	}

	// 1. Redis restarted twice (SHUTDOWN NOSAVE, then started again on the same port).

	@Order(1)
	@ParameterizedTest
	@EnumSource(Mode.class)
	void redisRestartedTwiceUnderLoad(Mode mode) {
		underLoad("restart", mode, "redis-server stopped (SHUTDOWN NOSAVE) for 1 s and started again on the same port, twice, 3 s apart",
				() -> {
					this.redis.stop();
					LoadedFault.hold(Duration.ofSeconds(1));
					this.redis.start();
					LoadedFault.hold(Duration.ofSeconds(3));
					this.redis.stop();
					LoadedFault.hold(Duration.ofSeconds(1));
					this.redis.start();
				});
	}

	// 2. Redis paused for every client.

	@Order(2)
	@ParameterizedTest
	@EnumSource(Mode.class)
	void redisPausedUnderLoad(Mode mode) {
		// The fault ends when Redis answers again: a PING on a connection of our own, waiting out the pause.
		underLoad("pause", mode, "CLIENT PAUSE 3000 ALL", () -> pause("ALL", "PONG", "PING"));
	}

	// 3. Every normal connection killed every 100 ms for 4 s.

	@Order(3)
	@ParameterizedTest
	@EnumSource(Mode.class)
	void connectionsKilledInALoopUnderLoad(Mode mode) {
		List<Long> killed = new ArrayList<>();
		underLoad("kill", mode, "CLIENT KILL TYPE normal every 100 ms for 4 s (40 times)", () -> {
			try (RespClient client = this.redis.client()) {
				long next = System.nanoTime();
				for (int i = 0; i < 40; i++) {
					killed.add(Long.parseLong(String.valueOf(client.command("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"))));
					next += Duration.ofMillis(100).toNanos();
					LockSupport.parkNanos(next - System.nanoTime());
				}
			}
		}, () -> "connections killed: " + killed.stream().mapToLong(Long::longValue).sum() + " in 40 rounds");
	}

	// 4. FLUSHALL and SCRIPT FLUSH in the middle of the run.

	@Order(4)
	@ParameterizedTest
	@EnumSource(Mode.class)
	void flushAllAndScriptFlushUnderLoad(Mode mode) {
		underLoad("flush", mode, "FLUSHALL, 1 s later SCRIPT FLUSH, 1 s later both again", () -> {
			for (int round = 0; round < 2; round++) {
				this.redis.command("FLUSHALL");
				LoadedFault.hold(Duration.ofSeconds(1));
				this.redis.command("SCRIPT", "FLUSH");
				LoadedFault.hold(Duration.ofSeconds(1));
			}
		});
	}

	// 5. Redis killed with SIGKILL: no shutdown, every client sees its connection drop.

	@Order(5)
	@ParameterizedTest
	@EnumSource(Mode.class)
	void redisKilledUnderLoad(Mode mode) {
		underLoad("sigkill", mode, "redis-server killed with SIGKILL, started again on the same port 1 s later", () -> {
			this.redis.kill();
			LoadedFault.hold(Duration.ofSeconds(1));
			this.redis.start();
		});
	}

	// 6. Redis paused for writes only: PING and reads are answered, every breaker script waits.

	@Order(6)
	@ParameterizedTest
	@EnumSource(Mode.class)
	void redisPausedForWritesUnderLoad(Mode mode) {
		// A PING is answered during a write pause, so the end is a write of our own that goes through.
		underLoad("pausewrite", mode, "CLIENT PAUSE 3000 WRITE", () -> pause("WRITE", "OK", "SET", "chaos:pause-ended", "1"));
	}

	/** Pauses Redis for 3 s and waits until {@code command}, on a connection of its own, is answered {@code ended}. */
	private void pause(String type, String ended, String... command) {
		this.redis.command("CLIENT", "PAUSE", "3000", type);
		long pausedUntil = System.nanoTime() + Duration.ofMillis(3000).toNanos();
		try (RespClient client = new RespClient(this.redis.host(), this.redis.port(), null, Duration.ofSeconds(10))) {
			Await.until(WAIT, () -> ended.equals(String.valueOf(client.command(command)))
					&& System.nanoTime() - pausedUntil >= 0, "the pause to end");
		}
	}

	private void underLoad(String scenario, Mode mode, String fault, Runnable inject) {
		this.loaded.run(scenario, mode, fault, inject);
	}

	private void underLoad(String scenario, Mode mode, String fault, Runnable inject, Supplier<String> faultFigures) {
		this.loaded.run(scenario, mode, fault, inject, faultFigures);
	}

}
