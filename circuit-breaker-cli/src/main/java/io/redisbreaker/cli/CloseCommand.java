package io.redisbreaker.cli;

import io.redisbreaker.core.OperatorCommand;
import picocli.CommandLine.Command;

/** {@code close NAME}: the endpoint's {@code CLOSE}. */
@Command(abbreviateSynopsis = true, name = "close", sortOptions = false, description = "Closes a breaker on every instance, with fresh counts.")
final class CloseCommand extends OperateCommand {

	@Override
	OperatorCommand command() {
		return OperatorCommand.CLOSE;
	}

	@Override
	String verb() {
		return "forced close";
	}

}
