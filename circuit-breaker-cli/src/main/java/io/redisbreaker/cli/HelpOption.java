package io.redisbreaker.cli;

import picocli.CommandLine.Option;

/**
 * {@code --help} alone: {@code -h} is the Redis host, as in {@code redis-cli}, so picocli's standard
 * help options, which claim {@code -h}, are not used.
 */
final class HelpOption {

	@Option(order = 99, names = "--help", usageHelp = true, description = "Show this help and exit.")
	private boolean help;

}
