package io.redisbreaker.cli;

import java.util.Map;
import java.util.Set;

import io.redisbreaker.core.OperatorCommand;
import io.redisbreaker.core.StateChange;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code reset NAME | --all}: closed, counts and the growing open timeout forgotten, as the endpoint's
 * {@code RESET} and its DELETE of the whole fleet do (the operate script's {@code CLOSE}, with the
 * reason saying it was a reset).
 */
@Command(abbreviateSynopsis = true, name = "reset", sortOptions = false,
		description = "Resets a breaker, or with --all every breaker of the fleet: closed, with fresh counts and the open timeout back to its first length.")
final class ResetCommand extends BreakerCommand {

	@Parameters(arity = "0..1", paramLabel = "NAME", description = "The breaker, e.g. upbit/kr/ticker.")
	private @Nullable String name;

	@Option(names = "--all", description = "Every breaker the fleet lists, all commands sent before any answer is awaited.")
	private boolean all;

	@Option(names = "--reason", paramLabel = "TEXT",
			description = "Why, added to the reason recorded in the history and published to every instance.")
	private @Nullable String reason;

	@Override
	void check() {
		if (this.all == (this.name != null)) {
			throw new ParameterException(this.spec.commandLine(),
					"Expected either NAME or --all" + (this.all ? ", not both" : ""));
		}
		if (this.name != null) {
			validName(this.name);
		}
	}

	@Override
	int run(Fleet fleet, RedisSession session) {
		String reason = OperateCommand.reason("reset", this.reason);
		if (this.name != null) {
			fleet.require(this.name);
			out().println(OperateCommand.describe(this.name, fleet.operate(this.name, OperatorCommand.CLOSE, reason)));
			out().flush();
			return ExitCodes.OK;
		}
		Set<String> names = fleet.names();
		Map<String, StateChange> changes = fleet.operateAll(names, OperatorCommand.CLOSE, reason);
		changes.forEach((breaker, change) -> out().println(OperateCommand.describe(breaker, change)));
		out().println("Reset " + changes.size() + " circuit breaker" + ((changes.size() == 1) ? "" : "s") + " at "
				+ session.where());
		out().flush();
		return ExitCodes.OK;
	}

}
