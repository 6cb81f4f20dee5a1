package io.redisbreaker.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import io.redisbreaker.connection.RedisFailures;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code circuit-breaker}, the operator command line. Each command connects to Redis, runs the
 * starter's scripts and exits with one of {@link ExitCodes}; results go to standard output, errors,
 * one line naming the input and what was expected, to standard error.
 */
@Command(name = "circuit-breaker", versionProvider = VersionProvider.class, sortOptions = false,
		description = "Reads and changes the shared state of the Redis circuit breakers, directly in Redis.",
		subcommands = { StatusCommand.class, OpenCommand.class, CloseCommand.class, DisableCommand.class,
				ResetCommand.class, HistoryCommand.class, WatchCommand.class },
		footerHeading = "%nExit codes:%n",
		footer = { "  0  success", "  1  no such breaker (nothing was created)", "  2  usage error",
				"  3  Redis unreachable, timed out, refused the credentials or the command",
				"  4  Redis answered something unexpected" })
public final class BreakerCli implements Callable<Integer> {

	@Spec
	private CommandSpec spec;

	@Option(names = "--help", usageHelp = true, description = "Show this help and exit.")
	private boolean help;

	@Option(names = "--version", versionHelp = true, description = "Print the version and exit.")
	private boolean version;

	public static void main(String[] args) {
		System.exit(commandLine().execute(args));
	}

	/** The command line with the CLI's error handling; tests set its out and err and call {@code execute}. */
	public static CommandLine commandLine() {
		CommandLine commandLine = new CommandLine(new BreakerCli());
		commandLine.setParameterExceptionHandler(BreakerCli::usageError);
		commandLine.setExecutionExceptionHandler((failure, failed, parsed) -> failed(failure, failed.getErr()));
		return commandLine;
	}

	@Override
	public Integer call() {
		throw new ParameterException(this.spec.commandLine(),
				"Missing command: expected one of " + String.join(", ", this.spec.subcommands().keySet()));
	}

	/** The message and where to read more; not the whole usage, which would bury the message. */
	private static int usageError(ParameterException ex, String[] args) {
		CommandLine failed = ex.getCommandLine();
		PrintWriter err = failed.getErr();
		err.println(ex.getMessage());
		UnmatchedArgumentException.printSuggestions(ex, err);
		err.println("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for more information.");
		err.flush();
		return ExitCodes.USAGE;
	}

	private static int failed(Exception failure, PrintWriter err) {
		if (failure instanceof CliFailure cli) {
			err.println(cli.getMessage());
			err.flush();
			return cli.exitCode();
		}
		err.println("Unexpected failure: " + RedisFailures.describe(failure));
		err.flush();
		return ExitCodes.UNEXPECTED;
	}

}
