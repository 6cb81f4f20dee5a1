package io.redisbreaker.cli;

import java.io.IOException;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.redisbreaker.core.CallOutcome;
import io.redisbreaker.core.CircuitSnapshot;
import io.redisbreaker.core.CircuitState;
import io.redisbreaker.core.OperatorCommand;
import io.redisbreaker.core.TransitionRecord;
import io.redisbreaker.store.redis.RedisBreakerStore;
import io.redisbreaker.testsupport.Await;
import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.WithRedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CLI against a real Redis server, with breaker state made the way applications make it (the
 * starter's store and scripts), and every change it makes checked from an application's side.
 */
@WithRedisServer
class BreakerCliTests {

	private static final Duration DEADLINE = Duration.ofSeconds(20);

	private final RedisServer server;

	private final Applications applications;

	private final RedisBreakerStore app;

	BreakerCliTests(RedisServer server) {
		this.server = server;
		this.applications = new Applications(server);
		this.app = this.applications.instance("app-1");
	}

	@AfterEach
	void close() {
		this.applications.close();
	}

	private CliRun cli(String... args) {
		return CliRun.against(this.server, args);
	}

	/** A breaker the application tripped: two failures in a row. */
	private void tripped(String name) {
		Applications.use(this.app, name);
		Applications.call(this.app, name, CallOutcome.FAILURE);
		Applications.call(this.app, name, CallOutcome.FAILURE);
		assertThat(Applications.snapshot(this.app, name).state()).isEqualTo(CircuitState.OPEN);
	}

	private long keys() {
		return (Long) this.server.command("DBSIZE");
	}

	/** A table row's cells: columns are separated by two spaces or more, cells hold single spaces at most. */
	private static List<String> cells(String line) {
		return List.of(line.split("\\s{2,}"));
	}

	@Nested
	class Status {

		@Test
		void anEmptyFleetIsSaidToBeEmpty() {
			CliRun run = cli("status");
			assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.OK);
			assertThat(run.out()).isEqualTo("No circuit breakers at 127.0.0.1:" + server.port() + " (prefix 'cb:')\n");
			assertThat(run.err()).isEmpty();
			CliRun json = cli("status", "--json");
			assertThat(json.out()).isEqualTo("{\"circuitBreakers\":{}}\n");
		}

		@Test
		void severalBreakersAreOneRowEachInNameOrder() {
			tripped("orders");
			Applications.use(app, "payments");
			Applications.call(app, "payments", CallOutcome.SUCCESS);
			Applications.call(app, "payments", CallOutcome.SUCCESS);
			Applications.call(app, "payments", CallOutcome.FAILURE);
			Applications.call(app, "payments", CallOutcome.SUCCESS);
			// Forced by another instance that never recorded settings: no thresholds are known.
			applications.instance("app-2").operate("upbit/kr/ticker", OperatorCommand.FORCE_OPEN, "test")
				.toCompletableFuture().join();

			CliRun run = cli("status");

			assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.OK);
			List<String> lines = run.lines();
			assertThat(lines).hasSize(4);
			assertThat(lines.get(0).split("\\s{2,}")).containsExactly("NAME", "STATE", "FAILURE-RATE", "CALLS", "FAILED",
					"THRESHOLDS", "OPENED-AT", "NEXT-TRIAL", "EPOCH");
			assertThat(lines.get(1)).startsWith("orders ").contains(" OPEN ").contains("2 in a row or 50.0% of 4");
			// Two calls are below the minimum of 4: no rate yet; the breaker opened on its streak.
			assertThat(cells(lines.get(1))).containsSubsequence("orders", "OPEN", "-", "0", "0");
			assertThat(cells(lines.get(2))).containsSubsequence("payments", "CLOSED", "25.0%", "4", "1");
			assertThat(cells(lines.get(3))).containsSubsequence("upbit/kr/ticker", "FORCED_OPEN", "-", "0", "0", "-");
			CircuitSnapshot orders = Applications.snapshot(app, "orders");
			assertThat(lines.get(1)).contains(StatusDocument.time(orders.nextTrialAt()))
				.endsWith(" " + orders.epoch());
		}

		@Test
		void jsonHasTheEndpointsFieldsForEveryBreaker() {
			tripped("orders");
			Applications.use(app, "payments");
			Applications.call(app, "payments", CallOutcome.SUCCESS);

			CliRun run = cli("status", "--json");

			assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.OK);
			assertThat(run.lines()).hasSize(1);
			assertThat(run.out()).startsWith("{\"circuitBreakers\":{\"orders\":{\"state\":\"OPEN\",\"failureRate\":-1.0,")
				.contains("\"payments\":{\"state\":\"CLOSED\",\"failureRate\":-1.0,\"slowCallRate\":-1.0,\"bufferedCalls\":1,")
				.contains("\"settingsInstance\":\"app-1\"")
				.contains("\"settings\":{\"failure-threshold\":\"2\",");
		}

		@Test
		void oneBreakerInFull() {
			tripped("orders");

			CliRun run = cli("status", "orders");

			assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.OK);
			assertThat(run.lines()).contains("name:                orders", "state:               OPEN",
					"consecutiveFailures: 0", "settingsInstance:    app-1",
					"settings:            " + Applications.CONFIG.describeSettings());
			assertThat(run.out()).contains("reason:              failures: 2/2");
			CliRun json = cli("status", "orders", "--json");
			assertThat(json.out()).startsWith("{\"name\":\"orders\",\"state\":\"OPEN\",")
				.contains("\"settingsHash\":\"" + Applications.CONFIG.settingsHash() + "\"");
		}

		@Test
		void aBreakerNobodyUsesIsUnknownAndNotCreated() {
			tripped("orders");
			long before = keys();

			CliRun run = cli("status", "nosuch");

			assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.UNKNOWN_BREAKER);
			assertThat(run.out()).isEmpty();
			assertThat(run.err()).isEqualTo("No circuit breaker 'nosuch' at 127.0.0.1:" + server.port()
					+ " (prefix 'cb:'); expected a name some instance uses (see 'status'), or another --prefix\n");
			assertThat(keys()).isEqualTo(before);
			assertThat(server.command("EXISTS", "cb:{nosuch}", "cb:{nosuch}:settings")).isEqualTo(0L);
		}

		@Test
		void theDatabaseSelectsTheFleetToo() {
			tripped("orders");
			assertThat(cli("status", "-n", "1").out()).startsWith("No circuit breakers");
			assertThat(cli("status", "-n", "0").lines()).hasSize(2);
			// The server was reached: it has no such database, which is what the operator must be told.
			CliRun missing = cli("status", "-n", "99");
			assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(ExitCodes.REDIS_UNAVAILABLE);
			assertThat(missing.err()).contains("has no database -n 99", "DB index is out of range")
				.doesNotContain("Cannot reach");
		}

		@Test
		void theKeyPrefixSelectsTheFleet() {
			RedisBreakerStore other = applications.instance("other-1", "shop:");
			Applications.use(other, "cart");

			assertThat(cli("status").out()).startsWith("No circuit breakers");
			CliRun run = cli("status", "--prefix", "shop:");
			assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.OK);
			assertThat(run.lines()).hasSize(2);
			assertThat(run.lines().get(1)).startsWith("cart ");
			assertThat(cli("status", "cart").exitCode()).isEqualTo(ExitCodes.UNKNOWN_BREAKER);
		}

	}

	@Nested
	class Operate {

		@Test
		void openForcesTheBreakerOpenForEveryInstance() {
			Applications.use(app, "orders");
			assertThat(Applications.call(app, "orders", CallOutcome.SUCCESS)).isTrue();

			CliRun run = cli("open", "orders", "--reason", "maintenance\tof the upstream");

			assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.OK);
			CircuitSnapshot seen = Applications.snapshot(app, "orders");
			assertThat(seen.state()).isEqualTo(CircuitState.FORCED_OPEN);
			assertThat(seen.reason()).isEqualTo("forced open via circuit-breaker-cli: maintenance of the upstream");
			assertThat(run.out()).isEqualTo("orders: CLOSED -> FORCED_OPEN (epoch " + seen.epoch() + ")\n");
			assertThat(Applications.call(app, "orders", CallOutcome.SUCCESS)).as("a call is permitted").isFalse();
			assertThat(Applications.call(applications.instance("app-2"), "orders", CallOutcome.SUCCESS)).isFalse();
			// Forced states never expire.
			assertThat(server.command("PTTL", "cb:{orders}")).isEqualTo(-1L);
		}

		@Test
		void closeLetsCallsThroughAgainWithFreshCounts() {
			tripped("orders");
			assertThat(Applications.call(app, "orders", CallOutcome.SUCCESS)).isFalse();

			CliRun run = cli("close", "orders");

			assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.OK);
			assertThat(run.out()).startsWith("orders: OPEN -> CLOSED (epoch ");
			CircuitSnapshot seen = Applications.snapshot(app, "orders");
			assertThat(seen.state()).isEqualTo(CircuitState.CLOSED);
			assertThat(seen.reason()).isEqualTo("forced close via circuit-breaker-cli");
			assertThat(seen.failedCalls()).isZero();
			assertThat(Applications.call(app, "orders", CallOutcome.SUCCESS)).isTrue();
		}

		@Test
		void theKeysACommandWritesGetTheApplicationsKeyTtl() {
			tripped("orders");

			CliRun run = cli("close", "orders", "--key-ttl", "2h");

			assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.OK);
			assertThat((Long) server.command("PTTL", "cb:{orders}")).isBetween(Duration.ofMinutes(119).toMillis(),
					Duration.ofHours(2).toMillis());
			assertThat(cli("close", "orders", "--key-ttl", "500ms").exitCode()).isEqualTo(ExitCodes.USAGE);
		}

		@Test
		void aQuoteInTheReasonStaysValidJson() {
			Applications.use(app, "orders");

			cli("open", "orders", "--reason", "ticket \"42\"\nsee runbook");

			assertThat(cli("status", "orders", "--json").out())
				.contains("\"reason\":\"forced open via circuit-breaker-cli: ticket \\\"42\\\" see runbook\"");
		}

		@Test
		void disablePermitsEveryCallAndRecordsNothing() {
			Applications.use(app, "orders");

			CliRun run = cli("disable", "orders");

			assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.OK);
			assertThat(Applications.snapshot(app, "orders").state()).isEqualTo(CircuitState.DISABLED);
			for (int i = 0; i < 3; i++) {
				assertThat(Applications.call(app, "orders", CallOutcome.FAILURE)).isTrue();
			}
			assertThat(Applications.snapshot(app, "orders").state()).isEqualTo(CircuitState.DISABLED);
			assertThat(Applications.snapshot(app, "orders").failedCalls()).isZero();
		}

		@Test
		void repeatingACommandSaysSoAndStartsANewEpoch() {
			Applications.use(app, "orders");
			cli("open", "orders");
			long epoch = Applications.snapshot(app, "orders").epoch();

			CliRun run = cli("open", "orders");

			assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
			long after = Applications.snapshot(app, "orders").epoch();
			assertThat(after).isGreaterThan(epoch);
			assertThat(run.out()).isEqualTo("orders: FORCED_OPEN, as it already was (epoch " + after + ")\n");
		}

		@ParameterizedTest
		@ValueSource(strings = { "open", "close", "disable", "reset" })
		void anUnknownBreakerIsRefusedAndNothingIsWritten(String command) {
			CliRun run = cli(command, "nosuch");

			assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.UNKNOWN_BREAKER);
			assertThat(run.err()).startsWith("No circuit breaker 'nosuch' at 127.0.0.1:" + server.port());
			assertThat(keys()).as("keys in Redis").isZero();
		}

		@ParameterizedTest
		@ValueSource(strings = { "open", "close", "disable", "reset", "status", "history" })
		void anInvalidNameIsAUsageErrorBeforeRedisIsAsked(String command) {
			// Port 1: nothing listens there, so a usage error proves the name was checked first.
			CliRun run = CliRun.of(command, "bad name", "-p", "1");

			assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.USAGE);
			assertThat(run.err()).startsWith("Invalid value for NAME: Circuit breaker name 'bad name' has ' ' at position 3");
		}

	}

	@Nested
	class Reset {

		@Test
		void resetClosesAndForgetsTheCounts() {
			tripped("orders");
			cli("open", "orders");

			CliRun run = cli("reset", "orders");

			assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.OK);
			CircuitSnapshot seen = Applications.snapshot(app, "orders");
			assertThat(seen.state()).isEqualTo(CircuitState.CLOSED);
			assertThat(seen.reason()).isEqualTo("reset via circuit-breaker-cli");
			assertThat(seen.reopens()).isZero();
			assertThat(run.out()).startsWith("orders: FORCED_OPEN -> CLOSED (epoch ");
		}

		@Test
		void resetAllResetsEveryListedBreaker() {
			tripped("orders");
			tripped("payments");
			Applications.use(app, "search");
			cli("disable", "search");

			CliRun run = cli("reset", "--all");

			assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.OK);
			for (String name : List.of("orders", "payments", "search")) {
				assertThat(Applications.snapshot(app, name).state()).as(name).isEqualTo(CircuitState.CLOSED);
			}
			assertThat(run.lines()).hasSize(4);
			assertThat(run.lines().get(0)).startsWith("orders: OPEN -> CLOSED");
			assertThat(run.lines().get(2)).startsWith("search: DISABLED -> CLOSED");
			assertThat(run.lines().get(3)).isEqualTo("Reset 3 circuit breakers at 127.0.0.1:" + server.port() + " (prefix 'cb:')");
		}

		@Test
		void resetAllOfAnEmptyFleetWritesNothing() {
			CliRun run = cli("reset", "--all");
			assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
			assertThat(run.out()).startsWith("Reset 0 circuit breakers");
			assertThat(keys()).isZero();
		}

		@Test
		void resetNeedsANameOrAllButNotBoth() {
			CliRun neither = cli("reset");
			assertThat(neither.exitCode()).isEqualTo(ExitCodes.USAGE);
			assertThat(neither.err()).startsWith("Expected either NAME or --all\n");
			CliRun both = cli("reset", "orders", "--all");
			assertThat(both.exitCode()).isEqualTo(ExitCodes.USAGE);
			assertThat(both.err()).startsWith("Expected either NAME or --all, not both\n");
		}

	}

	@Nested
	class History {

		@Test
		void transitionsAreListedNewestFirst() throws Exception {
			tripped("orders");
			cli("open", "orders");
			cli("close", "orders");
			Applications.use(app, "payments");
			cli("disable", "payments");

			CliRun run = cli("history", "orders");

			assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.OK);
			List<String> lines = run.lines();
			assertThat(lines).hasSize(4);
			assertThat(lines.get(0).split("\\s+")).containsExactly("TIME", "NAME", "INSTANCE", "FROM", "TO", "EPOCH",
					"REASON");
			List<TransitionRecord> stored = app.history(List.of("orders")).toCompletableFuture().join();
			assertThat(stored).hasSize(3);
			String cli = "circuit-breaker-cli@" + java.net.InetAddress.getLocalHost().getHostName();
			// The store lists each breaker's newest first too: the CLI's order is checked against times and epochs.
			assertThat(cells(lines.get(1))).containsExactly(stored.get(0).at().toString(), "orders", cli, "FORCED_OPEN",
					"CLOSED", String.valueOf(stored.get(0).epoch()), "forced close via circuit-breaker-cli");
			assertThat(cells(lines.get(2))).containsExactly(stored.get(1).at().toString(), "orders", cli, "OPEN",
					"FORCED_OPEN", String.valueOf(stored.get(1).epoch()), "forced open via circuit-breaker-cli");
			assertThat(cells(lines.get(3))).containsExactly(stored.get(2).at().toString(), "orders", "app-1", "CLOSED",
					"OPEN", String.valueOf(stored.get(2).epoch()), "failures: 2/2");
			assertThat(stored.get(0).epoch()).isGreaterThan(stored.get(1).epoch());
			assertThat(stored.get(1).epoch()).isGreaterThan(stored.get(2).epoch());

			CliRun fleet = cli("history", "--limit", "2", "--json");
			assertThat(fleet.out()).startsWith("{\"circuitBreakerEvents\":[{\"circuitBreakerName\":\"payments\",\"type\":\"STATE_TRANSITION\",\"stateTransition\":\"CLOSED_TO_DISABLED\",")
				.contains("},{\"circuitBreakerName\":\"orders\",\"type\":\"STATE_TRANSITION\",\"stateTransition\":\"FORCED_OPEN_TO_CLOSED\",")
				.endsWith("}]}\n");
		}

		@Test
		void aBreakerWithoutTransitionsHasNone() {
			Applications.use(app, "orders");
			CliRun run = cli("history", "orders");
			assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.OK);
			assertThat(run.out()).startsWith("No transitions recorded for 'orders'");
		}

		@Test
		void anUnknownBreakerHasNoHistory() {
			CliRun run = cli("history", "nosuch");
			assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.UNKNOWN_BREAKER);
			assertThat(keys()).isZero();
		}

	}

	@Nested
	class Watch {

		@Test
		void transitionsMadeByAnotherClientArePrintedAsTheyHappen() throws Exception {
			Applications.use(app, "orders");
			Applications.use(app, "payments");
			StringWriter out = new StringWriter();
			StringWriter err = new StringWriter();
			CompletableFuture<CliRun> watching = CompletableFuture.supplyAsync(() -> CliRun.run(
					CliRun.withServer(server, "watch", "payments", "--count", "1", "--duration", "30s"), out, err));
			Await.until(DEADLINE, () -> err.toString().startsWith("Watching"), "watch to subscribe");

			// Not watched: skipped. Then the watched one, by an application.
			app.operate("orders", OperatorCommand.FORCE_OPEN, "by app").toCompletableFuture().join();
			app.operate("payments", OperatorCommand.FORCE_OPEN, "by app").toCompletableFuture().join();

			CliRun run = watching.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
			assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.OK);
			assertThat(run.lines()).hasSize(1);
			assertThat(run.lines().get(0)).matches("\\S+Z payments CLOSED -> FORCED_OPEN epoch="
					+ Applications.snapshot(app, "payments").epoch() + " instance=app-1 reason=by app");
			assertThat(run.err()).isEqualTo("Watching transitions on channel 'cb:transitions' at 127.0.0.1:"
					+ server.port() + " until 1 are heard for 30000 ms\n");
		}

		@Test
		void jsonLinesForEveryBreakerUntilTheCount() throws Exception {
			tripped("orders");
			StringWriter out = new StringWriter();
			StringWriter err = new StringWriter();
			CompletableFuture<CliRun> watching = CompletableFuture.supplyAsync(
					() -> CliRun.run(CliRun.withServer(server, "watch", "--count", "2", "--json"), out, err));
			Await.until(DEADLINE, () -> err.toString().startsWith("Watching"), "watch to subscribe");

			cli("close", "orders");
			Applications.call(app, "orders", CallOutcome.FAILURE);
			Applications.call(app, "orders", CallOutcome.FAILURE);

			CliRun run = watching.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
			assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.OK);
			assertThat(run.lines()).hasSize(2);
			assertThat(run.lines().get(0)).matches("\\{\"time\":\"\\S+Z\",\"circuitBreakerName\":\"orders\","
					+ "\"stateTransition\":\"OPEN_TO_CLOSED\",\"from\":\"OPEN\",\"to\":\"CLOSED\",\"epoch\":\\d+,"
					+ "\"instance\":\"circuit-breaker-cli@\\S+\",\"reason\":\"forced close via circuit-breaker-cli\"\\}");
			assertThat(run.lines().get(1)).contains("\"stateTransition\":\"CLOSED_TO_OPEN\"", "\"instance\":\"app-1\"");
		}

		@Test
		void aDurationEndsAQuietWatch() {
			long started = System.nanoTime();
			CliRun run = cli("watch", "--duration", "300ms");
			long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
			assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.OK);
			assertThat(run.out()).isEmpty();
			assertThat(tookMs).isBetween(300L, 10_000L);
		}

		@Test
		void losingRedisEndsTheWatchWithExitThree() throws Exception {
			StringWriter out = new StringWriter();
			StringWriter err = new StringWriter();
			CompletableFuture<CliRun> watching = CompletableFuture
				.supplyAsync(() -> CliRun.run(CliRun.withServer(server, "watch"), out, err));
			Await.until(DEADLINE, () -> err.toString().startsWith("Watching"), "watch to subscribe");

			server.command("CLIENT", "KILL", "TYPE", "pubsub");

			CliRun run = watching.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
			assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.REDIS_UNAVAILABLE);
			assertThat(run.err()).contains("Lost the connection to Redis at 127.0.0.1:" + server.port());
		}

	}

	@Nested
	class CommandLineErrors {

		@Test
		void anUnknownOptionIsAUsageError() {
			CliRun run = cli("status", "--bogus");
			assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
			assertThat(run.err()).startsWith("Unknown option: '--bogus'\n")
				.endsWith("Try 'circuit-breaker status --help' for more information.\n");
			assertThat(run.out()).isEmpty();
		}

		@Test
		void malformedValuesNameTheOptionAndWhatWasExpected() {
			assertThat(CliRun.of("status", "--prefix", "{x}").err())
				.startsWith("Invalid value for option '--prefix': Key prefix '{x}' must not contain '{' or '}'");
			assertThat(CliRun.of("status", "--timeout", "soon").err())
				.startsWith("Invalid value for option '--timeout': 'soon' is not a duration");
			assertThat(CliRun.of("status", "-p", "70000").err())
				.startsWith("Invalid value for option '--port': 70000 is not a port; expected 1 to 65535");
			assertThat(CliRun.of("status", "--user", "ops").err())
				.startsWith("Option '--user' needs a password");
			for (String[] args : List.of(new String[] { "status", "--prefix", "{x}" },
					new String[] { "status", "--timeout", "soon" }, new String[] { "watch", "--count", "0" },
					new String[] { "history", "--limit", "0" }, new String[] { "nosuchcommand" }, new String[0])) {
				assertThat(CliRun.of(args).exitCode()).as(String.join(" ", args)).isEqualTo(ExitCodes.USAGE);
			}
		}

		@Test
		void helpIsLongOnlyBecauseDashHIsTheHost() {
			CliRun help = CliRun.of("--help");
			assertThat(help.exitCode()).isEqualTo(ExitCodes.OK);
			assertThat(help.out()).contains("status", "open", "close", "disable", "reset", "history", "watch",
					"Exit codes:", "1  no such breaker");
			CliRun statusHelp = CliRun.of("status", "--help");
			assertThat(statusHelp.out()).contains("-h, --host=HOST", "-p, --port=PORT", "-a, --pass=PASSWORD",
					"--prefix=PREFIX", "key-prefix (default: cb:)");
			assertThat(CliRun.of("--version").out()).matches("circuit-breaker \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\n");
		}

		@Test
		void aUrlCanNameTheServer() {
			tripped("orders");
			CliRun run = CliRun.of("status", "orders", "-u", server.uri());
			assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.OK);
			assertThat(CliRun.of("status", "-u", "http://nowhere").exitCode()).isEqualTo(ExitCodes.USAGE);
		}

	}

	@Nested
	class Unreachable {

		@Test
		void aPortNobodyListensOnIsExitThreeAtOnce() throws IOException {
			int port;
			try (ServerSocket socket = new ServerSocket(0)) {
				port = socket.getLocalPort();
			}
			long started = System.nanoTime();
			CliRun run = CliRun.of("status", "-p", String.valueOf(port), "--timeout", "2s");
			long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

			assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.REDIS_UNAVAILABLE);
			assertThat(run.err()).startsWith("Cannot reach Redis at 127.0.0.1:" + port + ": Connection refused");
			assertThat(tookMs).isLessThan(5000);
		}

		@Test
		void aServerThatNeverAnswersIsBoundedByTheTimeout() throws IOException {
			// Accepts the connection and says nothing: the handshake waits for the timeout, not forever.
			try (ServerSocket silent = new ServerSocket(0)) {
				long started = System.nanoTime();
				CliRun run = CliRun.of("status", "-p", String.valueOf(silent.getLocalPort()), "--timeout", "1s");
				long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

				assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.REDIS_UNAVAILABLE);
				assertThat(run.err()).startsWith("Cannot reach Redis at 127.0.0.1:" + silent.getLocalPort());
				assertThat(tookMs).isBetween(900L, 6000L);
			}
		}

	}

}
