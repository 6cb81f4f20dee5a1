package io.redisbreaker.sample.exchange;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The switch of the simulated exchanges:
 * {@code POST /simulation/exchanges/upbit?mode=down|slow|up[&delay=800ms]}.
 */
@RestController
@RequestMapping("/simulation/exchanges")
public class SimulationController {

	private final SimulatedExchanges exchanges;

	public SimulationController(SimulatedExchanges exchanges) {
		this.exchanges = exchanges;
	}

	@GetMapping
	public Map<String, Object> conditions() {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("shared", this.exchanges.isShared());
		Map<String, String> notUp = new LinkedHashMap<>();
		this.exchanges.conditions().forEach((exchange, condition) -> notUp.put(exchange, condition.encode()));
		body.put("exchanges", notUp);
		return body;
	}

	@PostMapping("/{exchange}")
	public Map<String, Object> change(@PathVariable String exchange, @RequestParam String mode,
			@RequestParam(required = false) @Nullable String delay) {
		Condition condition = parse(mode, (delay != null) ? parseDelay(delay) : null);
		boolean shared = this.exchanges.change(exchange, condition);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("exchange", exchange);
		body.put("condition", condition.encode());
		// Said in the answer because it decides whether the other instances see the outage too.
		body.put("shared", shared);
		return body;
	}

	private static Duration parseDelay(String delay) {
		try {
			return DurationStyle.detectAndParse(delay);
		}
		catch (IllegalArgumentException ex) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
					"Invalid delay '" + delay + "': expected a duration such as 800ms or 3s");
		}
	}

	private static Condition parse(String mode, @Nullable Duration delay) {
		Condition.Mode parsed;
		try {
			parsed = Condition.Mode.valueOf(mode.toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
					"Invalid mode '" + mode + "': expected one of up, down, slow");
		}
		try {
			return new Condition(parsed, (parsed == Condition.Mode.SLOW && delay == null) ? Duration.ofSeconds(1)
					: (delay != null) ? delay : Duration.ZERO);
		}
		catch (IllegalArgumentException ex) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, ex.getMessage());
		}
	}

}
