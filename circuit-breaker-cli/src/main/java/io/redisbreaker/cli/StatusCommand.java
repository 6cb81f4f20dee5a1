package io.redisbreaker.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.redisbreaker.core.CircuitSnapshot;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code status [NAME]}: the fleet's breakers as a table, or one breaker in full. Reads only: nothing
 * is written, not even the settings record, which the starter's settings script would overwrite.
 */
@Command(abbreviateSynopsis = true, name = "status", sortOptions = false,
		description = { "Shows every breaker of the fleet as a table, or one breaker in full.",
				"Rates show '-' until a breaker has its minimum calls in the window; thresholds are those an instance recorded ('-' if none did)." })
final class StatusCommand extends BreakerCommand {

	@Parameters(arity = "0..1", paramLabel = "NAME", description = "One breaker, e.g. upbit/kr/ticker.")
	private @Nullable String name;

	@Option(names = "--json", description = "Print JSON (the actuator endpoint's fields) instead of text.")
	private boolean json;

	@Override
	void check() {
		if (this.name != null) {
			validName(this.name);
		}
	}

	@Override
	int run(Fleet fleet, RedisSession session) {
		if (this.name != null) {
			BreakerStatus status = fleet.require(this.name);
			if (this.json) {
				Map<String, @Nullable Object> document = new LinkedHashMap<>();
				document.put("name", status.name());
				document.putAll(StatusDocument.of(status));
				out().println(Json.write(document));
			}
			else {
				details(status, out());
			}
			out().flush();
			return ExitCodes.OK;
		}
		Map<String, BreakerStatus> fleetStatus = fleet.read(fleet.names());
		if (this.json) {
			Map<String, Object> breakers = new LinkedHashMap<>();
			fleetStatus.forEach((name, status) -> breakers.put(name, StatusDocument.of(status)));
			out().println(Json.write(Map.of("circuitBreakers", breakers)));
		}
		else if (fleetStatus.isEmpty()) {
			out().println("No circuit breakers at " + session.where());
		}
		else {
			Table table = new Table("NAME", "STATE", "FAILURE-RATE", "CALLS", "FAILED", "THRESHOLDS", "OPENED-AT",
					"NEXT-TRIAL", "EPOCH");
			for (BreakerStatus status : fleetStatus.values()) {
				CircuitSnapshot snapshot = status.snapshot();
				table.row(status.name(), snapshot.state(), StatusDocument.rate(status), snapshot.calls(),
						snapshot.failedCalls(), status.settings().thresholds(),
						StatusDocument.time(StatusDocument.openedAt(snapshot)),
						StatusDocument.time(StatusDocument.nextTrial(snapshot)), snapshot.epoch());
			}
			table.print(out());
		}
		out().flush();
		return ExitCodes.OK;
	}

	private static void details(BreakerStatus status, PrintWriter out) {
		Map<String, @Nullable Object> fields = StatusDocument.of(status);
		List<String[]> lines = new ArrayList<>();
		lines.add(new String[] { "name", status.name() });
		fields.forEach((field, value) -> {
			if (field.equals("settings")) {
				return;
			}
			String text = (value == null) ? "-" : String.valueOf(value);
			if (field.endsWith("Rate")) {
				text = ((Number) value).doubleValue() < 0 ? "- (fewer than the minimum calls)" : value + "%";
			}
			lines.add(new String[] { field, text.isEmpty() ? "-" : text });
		});
		lines.add(new String[] { "settings",
				(status.settings().recorded() != null) ? status.settings().recorded().settings() : "- (none recorded)" });
		int width = lines.stream().mapToInt((line) -> line[0].length()).max().orElse(0);
		for (String[] line : lines) {
			out.println(line[0] + ":" + " ".repeat(width - line[0].length() + 1) + line[1]);
		}
	}

}
