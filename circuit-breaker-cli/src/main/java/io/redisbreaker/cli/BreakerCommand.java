package io.redisbreaker.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import io.redisbreaker.core.BreakerNames;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * What every command shares: the connection options, {@code --help}, one session to Redis for the
 * command's run, closed whatever happens, and the name check every command applies before a name
 * reaches a key.
 */
abstract class BreakerCommand implements Callable<Integer> {

	@Spec
	CommandSpec spec;

	@Mixin
	RedisOptions redis = new RedisOptions();

	@Mixin
	HelpOption help = new HelpOption();

	@Override
	public final Integer call() {
		check();
		try (RedisSession session = RedisSession.open(this.redis)) {
			return run(new Fleet(session), session);
		}
	}

	/** Checks the command line before Redis is asked, so a usage error is one whether Redis is up or not. */
	void check() {
	}

	/** The command itself, on a live session; returns the exit code. */
	abstract int run(Fleet fleet, RedisSession session);

	PrintWriter out() {
		return this.spec.commandLine().getOut();
	}

	PrintWriter err() {
		return this.spec.commandLine().getErr();
	}

	/** The name as given, or a usage error saying what a name may hold. */
	String validName(String name) {
		try {
			return BreakerNames.validate(name);
		}
		catch (IllegalArgumentException ex) {
			throw new ParameterException(this.spec.commandLine(),
					"Invalid value for NAME: " + ex.getMessage());
		}
	}

}
