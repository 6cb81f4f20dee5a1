package io.redisbreaker.cli;

import io.redisbreaker.core.OperatorCommand;
import picocli.CommandLine.Command;

/** {@code disable NAME}: the endpoint's {@code DISABLE}. */
@Command(abbreviateSynopsis = true, name = "disable", sortOptions = false, description = "Disables a breaker on every instance: every call runs and nothing is recorded until it is closed (never expires).")
final class DisableCommand extends OperateCommand {

	@Override
	OperatorCommand command() {
		return OperatorCommand.DISABLE;
	}

	@Override
	String verb() {
		return "disabled";
	}

}
