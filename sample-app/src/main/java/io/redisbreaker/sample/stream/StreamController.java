package io.redisbreaker.sample.stream;

import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /streams/upbit/kr} connects a stream; {@code GET /streams/errors} lists recent errors.
 */
@RestController
public class StreamController {

	private final StreamConnector connector;

	private final RecentErrors errors;

	public StreamController(StreamConnector connector, RecentErrors errors) {
		this.connector = connector;
		this.errors = errors;
	}

	@PostMapping("/streams/{exchange}/{region}")
	public StreamStatus connect(@PathVariable String exchange, @PathVariable String region) {
		return this.connector.connect(exchange, region);
	}

	@GetMapping("/streams/errors")
	public List<ExchangeErrorEvent> errors() {
		return this.errors.list();
	}

}
