package io.redisbreaker.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import io.redisbreaker.core.CircuitBreakerConfig;
import io.redisbreaker.core.CircuitState;
import io.redisbreaker.core.RecordedSettings;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What the CLI reads and writes as text, without Redis: durations as typed, the recorded settings'
 * description, JSON, and the transition channel's messages.
 */
class CliFormatsTests {

	@Test
	void durationsAsOperatorsTypeThem() {
		DurationConverter converter = new DurationConverter();
		assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
		assertThat(converter.convert("5s")).isEqualTo(Duration.ofSeconds(5));
		assertThat(converter.convert("2m")).isEqualTo(Duration.ofMinutes(2));
		assertThat(converter.convert("1h")).isEqualTo(Duration.ofHours(1));
		assertThat(converter.convert("1d")).isEqualTo(Duration.ofDays(1));
		assertThat(converter.convert("PT5S")).isEqualTo(Duration.ofSeconds(5));
		for (String bad : new String[] { "", "s", "5", "5x", "five seconds", "P" }) {
			assertThatExceptionOfType(TypeConversionException.class).as(bad).isThrownBy(() -> converter.convert(bad))
				.withMessageContaining("is not a duration");
		}
	}

	@Test
	void theRecordedDescriptionIsReadBackWithItsWindow() {
		CircuitBreakerConfig config = CircuitBreakerConfig.builder()
			.slidingWindow(Duration.ofSeconds(42))
			.failureThreshold(7)
			.recordExceptions(Arrays.asList(IllegalStateException.class, java.io.IOException.class))
			.build();

		RecordedConfig recorded = RecordedConfig
			.of(new RecordedSettings(config.settingsHash(), config.describeSettings(), "app-1"));

		assertThat(recorded.config().getSlidingWindow()).isEqualTo(Duration.ofSeconds(42));
		assertThat(recorded.value("failure-threshold")).contains("7");
		assertThat(recorded.value("record-exceptions")).contains("[java.lang.IllegalStateException,java.io.IOException]");
		assertThat(recorded.value("ignore-exceptions")).contains("[]");
		assertThat(recorded.thresholds()).isEqualTo("7 in a row or 50.0% of 100");
		assertThat(RecordedConfig.NONE.thresholds()).isEqualTo("-");
		// Written by some other version: the defaults, and the text as it was.
		RecordedConfig odd = RecordedConfig.of(new RecordedSettings("x", "sliding-window=soon", "app-2"));
		assertThat(odd.config().getSlidingWindow()).isEqualTo(CircuitBreakerConfig.DEFAULT_SLIDING_WINDOW);
		assertThat(odd.value("sliding-window")).contains("soon");
	}

	@Test
	void jsonEscapesWhatWouldBreakIt() {
		Map<String, Object> document = new LinkedHashMap<>();
		document.put("text", "a \"b\" \\ c\nd\te\u0001");
		document.put("rate", -1.0f);
		document.put("nan", Float.NaN);
		document.put("count", 3L);
		document.put("at", Instant.parse("2026-12-02T15:30:00.123Z"));
		document.put("none", null);
		document.put("list", java.util.List.of(true, 1));
		assertThat(Json.write(document)).isEqualTo("{\"text\":\"a \\\"b\\\" \\\\ c\\nd\\te\\u0001\",\"rate\":-1.0,"
				+ "\"nan\":null,\"count\":3,\"at\":\"2026-12-02T15:30:00.123Z\",\"none\":null,\"list\":[true,1]}");
	}

	@Test
	void transitionMessagesAsTheScriptsPublishThem() {
		Instant heard = Instant.parse("2026-12-02T15:30:00.123Z");
		TransitionMessage message = TransitionMessage.parse("upbit/kr/ticker\tCLOSED\tOPEN\t17\tapp-1\tfailures: 5/5\tmore",
				heard);
		assertThat(message).isEqualTo(new TransitionMessage(heard, "upbit/kr/ticker", CircuitState.CLOSED,
				CircuitState.OPEN, 17, "app-1", "failures: 5/5\tmore"));
		assertThat(message.line())
			.isEqualTo("2026-12-02T15:30:00.123Z upbit/kr/ticker CLOSED -> OPEN epoch=17 instance=app-1 reason=failures: 5/5\tmore");
		// The instances' startup permission check, and anything malformed, is not a transition.
		assertThat(TransitionMessage.parse("#startup-check\tCLOSED\tOPEN\t1\tapp-1\tcheck", heard)).isNull();
		assertThat(TransitionMessage.parse("orders\tCLOSED\tAJAR\t1\tapp-1\tx", heard)).isNull();
		assertThat(TransitionMessage.parse("orders\tCLOSED\tOPEN\tone\tapp-1\tx", heard)).isNull();
		assertThat(TransitionMessage.parse("orders\tCLOSED", heard)).isNull();
	}

}
