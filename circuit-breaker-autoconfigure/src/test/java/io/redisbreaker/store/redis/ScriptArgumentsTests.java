package io.redisbreaker.store.redis;

import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.redisbreaker.core.Admission;
import io.redisbreaker.core.CallOutcome;
import io.redisbreaker.core.CircuitBreakerConfig;
import io.redisbreaker.core.CircuitState;
import io.redisbreaker.core.OperatorCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each *Arguments record sends its components in the order it declares them, which
 * {@link ScriptHeaderTests} holds to the script's ARGV header; and the record's values come from the
 * settings of the same name.
 */
class ScriptArgumentsTests {

	@ParameterizedTest
	@EnumSource(ScriptHeaderTests.Script.class)
	void argvIsTheComponentsInOrder(ScriptHeaderTests.Script script) throws Exception {
		RecordComponent[] components = script.arguments.getRecordComponents();
		Object[] values = new Object[components.length];
		Class<?>[] types = new Class<?>[components.length];
		for (int i = 0; i < components.length; i++) {
			types[i] = components[i].getType();
			values[i] = distinct(types[i], i);
		}
		Constructor<? extends Record> canonical = script.arguments.getDeclaredConstructor(types);
		Record arguments = canonical.newInstance(values);
		byte[][] argv = (byte[][]) script.arguments.getDeclaredMethod("argv").invoke(arguments);
		assertThat(argv.length).isEqualTo(components.length);
		for (int i = 0; i < components.length; i++) {
			assertThat(new String(argv[i], StandardCharsets.UTF_8)).as(components[i].getName())
				.isEqualTo(encoded(values[i]));
		}
	}

	@Test
	void recordSendsEachSettingUnderItsName() {
		CircuitBreakerConfig config = CircuitBreakerConfig.builder()
			.failureThreshold(3)
			.successThreshold(4)
			.halfOpenMaxCalls(4)
			.slidingWindow(Duration.ofSeconds(120))
			.failureRateThreshold(33.3f)
			.minimumCalls(7)
			.slowCallRateThreshold(60f)
			.openTimeout(Duration.ofSeconds(8))
			.openTimeoutMultiplier(1.5)
			.maxOpenTimeout(Duration.ofSeconds(90))
			.build();
		Admission admission = new Admission(true, CircuitState.HALF_OPEN, 42, "p-1", null, Admission.Issuer.SHARED,
				null);
		StoreConstants store = StoreConstants.of(3_600_000, "cb:transitions", "instance-a", 1000);
		RecordArguments arguments = RecordArguments.of("orders", config, admission, CallOutcome.SLOW_FAILURE, store);
		Map<String, String> sent = sent(arguments, arguments.argv());
		Map<String, String> expected = new LinkedHashMap<>();
		expected.put("epoch", "42");
		expected.put("permit_id", "p-1");
		expected.put("outcome", "SF");
		expected.put("failure_threshold", "3");
		expected.put("success_threshold", "4");
		expected.put("window_ms", "120000");
		// One of the window's 60 buckets.
		expected.put("bucket_ms", "2000");
		// The float setting widened to double, as it always was sent.
		expected.put("failure_rate_threshold", Double.toString(33.3f));
		expected.put("minimum_calls", "7");
		expected.put("slow_call_rate_threshold", "60.0");
		expected.put("open_ms", "8000");
		expected.put("open_multiplier", "1.5");
		expected.put("max_open_ms", "90000");
		expected.put("ttl_ms", "3600000");
		expected.put("channel", "cb:transitions");
		expected.put("name", "orders");
		expected.put("origin", "instance-a");
		expected.put("max_breakers", "1000");
		assertThat(sent).containsExactlyEntriesOf(expected);
	}

	@Test
	void anOutcomeWithoutPermitSendsAnEmptyPermitId() {
		Admission admission = new Admission(true, CircuitState.CLOSED, 7, null, null, Admission.Issuer.SHARED, null);
		RecordArguments arguments = RecordArguments.of("orders", CircuitBreakerConfig.builder().build(), admission,
				CallOutcome.SUCCESS, StoreConstants.of(1000, "c", "o", 1000));
		assertThat(sent(arguments, arguments.argv())).containsEntry("permit_id", "").containsEntry("outcome", "S");
	}

	@Test
	void acquireSendsEachSettingUnderItsName() {
		CircuitBreakerConfig config = CircuitBreakerConfig.builder()
			.halfOpenMaxCalls(3)
			.halfOpenPermitLease(Duration.ofSeconds(9))
			.slidingWindow(Duration.ofSeconds(50))
			.build();
		AcquireArguments arguments = AcquireArguments.of("orders", config, "p-1",
				StoreConstants.of(3_600_000, "cb:transitions", "instance-a", 1000));
		assertThat(sent(arguments, arguments.argv())).isEqualTo(Map.of("permit_id", "p-1",
				"half_open_max_calls", "3", "permit_lease_ms", "9000", "ttl_ms", "3600000", "channel",
				"cb:transitions", "name", "orders", "origin", "instance-a", "window_ms", "50000", "max_breakers", "1000"));
	}

	@Test
	void reconcileNeverOpensForLessThanAMillisecond() {
		ReconcileArguments arguments = ReconcileArguments.of("orders", Duration.ZERO, 5, "outage",
				StoreConstants.of(1000, "c", "o", 1000));
		assertThat(arguments.openMs()).isEqualTo(1);
		assertThat(sent(arguments, arguments.argv())).containsEntry("expected_epoch", "5")
			.containsEntry("reason", "outage");
	}

	@Test
	void namesAreSnakeCase() {
		assertThat(ScriptArguments.snakeCase("retryAfterMs")).isEqualTo("retry_after_ms");
		assertThat(ScriptArguments.snakeCase("epoch")).isEqualTo("epoch");
		assertThat(ScriptArguments.names(ChangeReply.class)).containsExactly("state", "epoch", "from", "to", "reason");
	}

	/** The argv by the script's names for its arguments. */
	private static Map<String, String> sent(Record arguments, byte[][] argv) {
		List<String> names = ScriptArguments.names(arguments.getClass());
		assertThat(argv.length).isEqualTo(names.size());
		Map<String, String> sent = new LinkedHashMap<>();
		for (int i = 0; i < argv.length; i++) {
			sent.put(names.get(i), new String(argv[i], StandardCharsets.UTF_8));
		}
		return sent;
	}

	/** A value of the type that no other component gets, so a swapped pair shows. */
	private static Object distinct(Class<?> type, int index) {
		if (type == long.class) {
			return 1000L + index;
		}
		if (type == double.class) {
			return index + 0.25;
		}
		if (type == String.class) {
			return "s" + index;
		}
		if (type == byte[].class) {
			return ("b" + index).getBytes(StandardCharsets.UTF_8);
		}
		if (type == CallOutcome.class) {
			return CallOutcome.values()[index % CallOutcome.values().length];
		}
		if (type == OperatorCommand.class) {
			return OperatorCommand.values()[index % OperatorCommand.values().length];
		}
		throw new IllegalArgumentException("No test value for " + type);
	}

	/** How the scripts receive a value of each type. */
	private static String encoded(Object value) {
		if (value instanceof byte[] bytes) {
			return new String(bytes, StandardCharsets.UTF_8);
		}
		if (value instanceof CallOutcome outcome) {
			return outcome.code();
		}
		if (value instanceof OperatorCommand command) {
			return command.name();
		}
		return String.valueOf(value);
	}

}
