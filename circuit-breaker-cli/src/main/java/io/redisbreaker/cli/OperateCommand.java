package io.redisbreaker.cli;

import io.redisbreaker.core.OperatorCommand;
import io.redisbreaker.core.StateChange;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * A command that changes one breaker's shared state with the operate script, as the actuator
 * endpoint's {@code updateState} does: a name no instance uses is refused (exit 1) before anything is
 * written, so a typo never creates a breaker that then sits forced open for nobody.
 */
abstract class OperateCommand extends BreakerCommand {

	@Parameters(index = "0", paramLabel = "NAME", description = "The breaker, e.g. upbit/kr/ticker.")
	String name;

	@Option(names = "--reason", paramLabel = "TEXT",
			description = "Why, added to the reason recorded in the history and published to every instance.")
	@Nullable String reason;

	/** The script's command. */
	abstract OperatorCommand command();

	/** The reason's start, as the endpoint words it: {@code forced open}, {@code reset}. */
	abstract String verb();

	@Override
	void check() {
		validName(this.name);
	}

	@Override
	int run(Fleet fleet, RedisSession session) {
		fleet.require(this.name);
		StateChange change = fleet.operate(this.name, command(), reason(verb(), this.reason));
		out().println(describe(this.name, change));
		out().flush();
		return ExitCodes.OK;
	}

	/**
	 * {@code forced open via circuit-breaker-cli: deploy of v2}. Tabs and line breaks would split the
	 * tab-separated history entry and transition message, so they become spaces.
	 */
	static String reason(String verb, @Nullable String why) {
		String reason = verb + " via circuit-breaker-cli";
		if (why != null && !why.isBlank()) {
			reason += ": " + why.strip().replaceAll("\\p{Cntrl}", " ");
		}
		return reason;
	}

	/** {@code orders: CLOSED -> FORCED_OPEN (epoch 4)}, or that it already was, with its new epoch. */
	static String describe(String name, StateChange change) {
		if (change.transition() != null) {
			return name + ": " + change.transition().from() + " -> " + change.transition().to() + " (epoch "
					+ change.epoch() + ")";
		}
		return name + ": " + change.state() + ", as it already was (epoch " + change.epoch() + ")";
	}

}
