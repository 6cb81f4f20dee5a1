package io.redisbreaker.cli;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.redisbreaker.core.CallOutcome;
import io.redisbreaker.core.CircuitState;
import io.redisbreaker.store.redis.RedisBreakerStore;
import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.WithRedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The executable jar run as an operator runs it, {@code java -jar circuit-breaker-cli-*.jar}: its main
 * class, its dependencies, its exit codes through {@code System.exit}, and its quiet logging (nothing
 * on standard error when all goes well, however chatty Lettuce and Netty are).
 * <p>
 * Runs in the {@code jar-tests} execution, after {@code package}, which names the jar in the system
 * property {@code cli.jar}; the in-process execution, which may be handed this class by a
 * {@code -Dtest} filter, has no jar yet and skips it.
 */
@WithRedisServer
class CliJarTests {

	private static Path jar;

	private final RedisServer server;

	private final Applications applications;

	@TempDir
	Path output;

	CliJarTests(RedisServer server) {
		this.server = server;
		this.applications = new Applications(server);
	}

	@BeforeAll
	static void jar() {
		String property = System.getProperty("cli.jar");
		Assumptions.assumeTrue(property != null, "run by the jar-tests execution, after package");
		jar = Path.of(property);
		assertThat(jar).as("the repackaged jar").isRegularFile();
	}

	@AfterEach
	void close() {
		this.applications.close();
	}

	private Result java(String... args) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-jar", jar.toString()));
		command.addAll(List.of(args));
		Path out = Files.createTempFile(this.output, "out", ".txt");
		Path err = Files.createTempFile(this.output, "err", ".txt");
		Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
		long started = System.nanoTime();
		if (!process.waitFor(60, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new AssertionError("java -jar " + String.join(" ", args) + " did not end within 60 s");
		}
		return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
				Files.readString(err, StandardCharsets.UTF_8), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
	}

	private String port() {
		return String.valueOf(this.server.port());
	}

	@Test
	void statusOfAnEmptyFleetPrintsOneLineAndNothingElse() throws Exception {
		Result run = java("status", "-p", port());
		assertThat(run.exitCode()).as(run.toString()).isZero();
		assertThat(run.out()).isEqualTo("No circuit breakers at 127.0.0.1:" + port() + " (prefix 'cb:')\n");
		assertThat(run.err()).as("nothing logged").isEmpty();
	}

	@Test
	void openForcesOpenWhatAnApplicationThenSees() throws Exception {
		RedisBreakerStore app = this.applications.instance("app-1");
		Applications.use(app, "orders");
		Applications.call(app, "orders", CallOutcome.SUCCESS);

		Result run = java("open", "orders", "-p", port());

		assertThat(run.exitCode()).as(run.toString()).isZero();
		assertThat(run.out()).startsWith("orders: CLOSED -> FORCED_OPEN (epoch ");
		assertThat(run.err()).isEmpty();
		assertThat(Applications.snapshot(app, "orders").state()).isEqualTo(CircuitState.FORCED_OPEN);
		Result status = java("status", "-p", port());
		assertThat(status.out().lines().toList()).hasSize(2);
		assertThat(status.out().lines().toList().get(1)).startsWith("orders ").contains(" FORCED_OPEN ");
	}

	@Test
	void exitCodesReachTheShell() throws Exception {
		Result unknown = java("open", "nosuch", "-p", port());
		assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(ExitCodes.UNKNOWN_BREAKER);
		assertThat(unknown.err()).startsWith("No circuit breaker 'nosuch'");
		assertThat(this.server.command("DBSIZE")).isEqualTo(0L);

		Result usage = java("status", "--bogus");
		assertThat(usage.exitCode()).as(usage.toString()).isEqualTo(ExitCodes.USAGE);
		assertThat(usage.out()).isEmpty();

		int closed;
		try (ServerSocket socket = new ServerSocket(0)) {
			closed = socket.getLocalPort();
		}
		Result unreachable = java("status", "-p", String.valueOf(closed), "--timeout", "2s");
		assertThat(unreachable.exitCode()).as(unreachable.toString()).isEqualTo(ExitCodes.REDIS_UNAVAILABLE);
		assertThat(unreachable.err()).startsWith("Cannot reach Redis at 127.0.0.1:" + closed + ": Connection refused")
			.hasLineCount(1);
		assertThat(unreachable.out()).isEmpty();
	}

	record Result(int exitCode, String out, String err, long tookMs) {

		@Override
		public String toString() {
			return "exit " + this.exitCode + " after " + this.tookMs + " ms\n--- out:\n" + this.out + "--- err:\n"
					+ this.err;
		}

	}

}
