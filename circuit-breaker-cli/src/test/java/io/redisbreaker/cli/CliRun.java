package io.redisbreaker.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.redisbreaker.testsupport.RedisServer;
import picocli.CommandLine;

/**
 * One run of the CLI in this JVM, through picocli's {@code execute} as {@code main} does, with what it
 * printed.
 *
 * @param exitCode what {@code main} would exit with
 * @param out standard output
 * @param err standard error
 */
record CliRun(int exitCode, String out, String err) {

	/** Runs the arguments as given. */
	static CliRun of(String... args) {
		return run(args, new StringWriter(), new StringWriter());
	}

	/** Runs the arguments against the server (its host and port appended). */
	static CliRun against(RedisServer server, String... args) {
		return of(withServer(server, args));
	}

	static String[] withServer(RedisServer server, String... args) {
		List<String> all = new ArrayList<>(Arrays.asList(args));
		all.addAll(List.of("-h", server.host(), "-p", String.valueOf(server.port())));
		return all.toArray(String[]::new);
	}

	/** Runs with the given writers, which another thread may read while it runs (watch). */
	static CliRun run(String[] args, StringWriter out, StringWriter err) {
		CommandLine commandLine = BreakerCli.commandLine();
		commandLine.setOut(new PrintWriter(out, true));
		commandLine.setErr(new PrintWriter(err, true));
		int exitCode = commandLine.execute(args);
		return new CliRun(exitCode, out.toString(), err.toString());
	}

	/** The lines of standard output. */
	List<String> lines() {
		return this.out.lines().toList();
	}

	@Override
	public String toString() {
		return "exit " + this.exitCode + "\n--- out:\n" + this.out + "--- err:\n" + this.err;
	}

}
