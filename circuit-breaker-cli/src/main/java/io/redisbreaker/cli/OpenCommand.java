package io.redisbreaker.cli;

import io.redisbreaker.core.OperatorCommand;
import picocli.CommandLine.Command;

/** {@code open NAME}: the endpoint's {@code FORCE_OPEN}. */
@Command(abbreviateSynopsis = true, name = "open", sortOptions = false, description = "Forces a breaker open on every instance: every call is rejected until it is closed (never expires).")
final class OpenCommand extends OperateCommand {

	@Override
	OperatorCommand command() {
		return OperatorCommand.FORCE_OPEN;
	}

	@Override
	String verb() {
		return "forced open";
	}

}
