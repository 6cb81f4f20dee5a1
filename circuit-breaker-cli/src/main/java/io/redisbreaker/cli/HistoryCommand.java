package io.redisbreaker.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.redisbreaker.core.TransitionRecord;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code history [NAME]}: recorded transitions, newest first, as the events endpoint lists them. Redis
 * keeps the last 50 of each breaker, each written once by the script that made the transition.
 */
@Command(abbreviateSynopsis = true, name = "history", sortOptions = false,
		description = "Shows a breaker's recent transitions (the last 50 Redis keeps), newest first; without NAME, those of the whole fleet.")
final class HistoryCommand extends BreakerCommand {

	@Parameters(arity = "0..1", paramLabel = "NAME", description = "The breaker, e.g. upbit/kr/ticker.")
	private @Nullable String name;

	@Option(names = "--limit", paramLabel = "N", description = "Show at most N transitions.")
	private @Nullable Integer limit;

	@Option(names = "--json", description = "Print JSON (the events endpoint's fields) instead of text.")
	private boolean json;

	@Override
	void check() {
		if (this.name != null) {
			validName(this.name);
		}
		if (this.limit != null && this.limit < 1) {
			throw new ParameterException(this.spec.commandLine(),
					"Invalid value for option '--limit': " + this.limit + "; expected at least 1");
		}
	}

	@Override
	int run(Fleet fleet, RedisSession session) {
		Set<String> names = (this.name != null) ? Set.of(this.name) : fleet.names();
		List<TransitionRecord> history = fleet.history(names);
		if (this.name != null && history.isEmpty() && fleet.find(this.name).isEmpty()) {
			throw fleet.unknown(this.name);
		}
		if (this.limit != null && history.size() > this.limit) {
			history = history.subList(0, this.limit);
		}
		if (this.json) {
			List<Map<String, Object>> events = new ArrayList<>();
			for (TransitionRecord record : history) {
				events.add(event(record));
			}
			out().println(Json.write(Map.of("circuitBreakerEvents", events)));
		}
		else if (history.isEmpty()) {
			out().println("No transitions recorded" + ((this.name != null) ? " for '" + this.name + "'" : "") + " at "
					+ session.where());
		}
		else {
			Table table = new Table("TIME", "NAME", "INSTANCE", "FROM", "TO", "EPOCH", "REASON");
			for (TransitionRecord record : history) {
				table.row(record.at(), record.circuitBreakerName(), record.instance(), record.from(), record.to(),
						record.epoch(), record.reason());
			}
			table.print(out());
		}
		out().flush();
		return ExitCodes.OK;
	}

	/** As {@code CircuitBreakerEventsEndpoint.CircuitBreakerEvent} has it. */
	static Map<String, Object> event(TransitionRecord record) {
		Map<String, Object> event = new LinkedHashMap<>();
		event.put("circuitBreakerName", record.circuitBreakerName());
		event.put("type", "STATE_TRANSITION");
		event.put("stateTransition", record.from() + "_TO_" + record.to());
		event.put("from", record.from().name());
		event.put("to", record.to().name());
		event.put("reason", record.reason());
		event.put("epoch", record.epoch());
		event.put("instance", record.instance());
		event.put("creationTime", record.at());
		return event;
	}

}
