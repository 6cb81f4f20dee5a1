package io.redisbreaker.autoconfigure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.redisbreaker.core.CircuitBreaker;
import io.redisbreaker.core.CircuitBreakerOpenException;
import io.redisbreaker.core.CircuitState;
import io.redisbreaker.store.FailoverBreakerStore;
import io.redisbreaker.store.redis.BreakerAcl;
import io.redisbreaker.testsupport.Await;
import io.redisbreaker.testsupport.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static io.redisbreaker.autoconfigure.SecuredRedis.BREAKER;
import static io.redisbreaker.autoconfigure.SecuredRedis.KEYS;
import static io.redisbreaker.autoconfigure.SecuredRedis.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Redis with a password ({@code requirepass}) and with an ACL user that has exactly the documented
 * ACL: the breakers work end to end; a user without the scripts fails startup naming the command;
 * and a permission taken away at runtime hands the breakers to the failure policy, with one warning
 * that says what the user needs, until it is given back.
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisPasswordAndAclTests {

	private static final String ADMIN_PASSWORD = "admin-secret";

	private static final String PASSWORD = "breaker-secret";

	/** Probes often, so a few of them pass quickly while the permission is missing. */
	private static final String FAST_PROBES = "circuitbreaker.redis-probe-interval=100ms";

	private static RedisServer server;

	@BeforeAll
	static void start() {
		server = RedisServer.options()
			.requirePass(ADMIN_PASSWORD)
			.user("breaker", "on >" + PASSWORD + " " + BreakerAcl.rules(KEYS))
			.launch();
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	@BeforeEach
	void flush() {
		server.command("FLUSHALL");
	}

	@AfterEach
	void documentedAclAgain() {
		setUser("breaker", BreakerAcl.rules(KEYS));
	}

	@Test
	void thePasswordOfTheDefaultUser() {
		SecuredRedis.tripHearAndReset(server,
				SecuredRedis.runner(server).withPropertyValues("spring.data.redis.password=" + ADMIN_PASSWORD));
	}

	@Test
	void anAclUserWithExactlyTheDocumentedAcl() {
		SecuredRedis.tripHearAndReset(server, asBreaker());
	}

	@Test
	void theReadmeShowsTheAclTheseTestsUse() throws IOException {
		String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
		assertThat(readme).contains(BreakerAcl.setUser(KEYS, "breaker", "password"))
			.contains(BreakerAcl.aclFileLine(KEYS, "breaker", "password"));
	}

	@Test
	void aWrongPasswordOfTheAclUserFailsStartup() {
		asBreaker().withPropertyValues("spring.data.redis.password=wrong").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasMessageContaining("Redis refused the configured credentials")
				.hasMessageContaining("WRONGPASS");
		});
	}

	@Test
	void aUserWithoutEvalshaFailsStartupNamingIt() {
		setUser("breaker", BreakerAcl.rules(KEYS) + " -evalsha");
		assertStartupRefuses("'evalsha'");
	}

	@Test
	void aUserWithoutEvalFailsStartupNamingIt() {
		// It could run the loaded scripts, but not send them again once Redis forgot them (a restart,
		// a failover, SCRIPT FLUSH).
		setUser("breaker", BreakerAcl.rules(KEYS) + " -eval");
		assertStartupRefuses("'eval'");
	}

	@Test
	void aUserWithoutScriptLoadFailsStartupNamingIt() {
		// Without it the first run of each script after a start is sent again as EVAL behind the
		// commands that followed it, so an outcome could count after the read that follows it.
		setUser("breaker", BreakerAcl.rules(KEYS) + " -script|load");
		asBreaker().run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure())
				.hasMessageContaining("refused SCRIPT|LOAD (NOPERM this user has no permissions to run the 'script|load'");
		});
	}

	@Test
	void evalshaTakenAwayAtRuntime(CapturedOutput output) {
		// Every decision runs a script by SHA: the call that meets the refusal is decided by the policy.
		assertTakenAwayAndGivenBack("evalsha", "'evalsha'", output);
	}

	@Test
	void aCommandTakenAwayInsideTheScriptsIsRefusedByRedisNotABrokenBreaker(CapturedOutput output) {
		// Recording an outcome reads the Redis clock, which Redis 7.0 refuses inside a script without
		// saying NOPERM; the refused outcome is sent after the call returned.
		assertTakenAwayAndGivenBack("time", "The user executing the script can't run", output);
		assertThat(output.getOut()).doesNotContain("cannot use its state in Redis");
	}

	/**
	 * Takes {@code command} away from the breakers' user while an application runs: its calls go on
	 * under the failure policy, with one warning naming {@code refused}, until the command is given back.
	 */
	private static void assertTakenAwayAndGivenBack(String command, String refused, CapturedOutput output) {
		asBreaker().withPropertyValues(FAST_PROBES).run((context) -> {
			assertThat(context).hasNotFailed();
			CircuitBreaker breaker = SecuredRedis.breaker(context);
			FailoverBreakerStore store = context.getBean(FailoverBreakerStore.class);
			assertThat(breaker.executeSupplier(() -> "paid")).isEqualTo("paid");
			// Its outcome is sent after the call: let it land before the permission goes.
			Await.until(WAIT, () -> "1".equals(server.command("HGET", KEYS.state(BREAKER) + ":window", "c")),
					"the first outcome to count in Redis");

			server.command("ACL", "SETUSER", "breaker", "-" + command);
			assertThat(breaker.executeSupplier(() -> "paid")).as("the call that met the refusal").isEqualTo("paid");
			assertTheFailurePolicyDecides(breaker, store, output, refused);

			server.command("ACL", "SETUSER", "breaker", "+" + command);
			assertRedisDecidesAgain(store, breaker, output);
		});
	}

	/**
	 * The breaker decides locally (two failures open it on this instance only), the probe keeps
	 * finding the permission missing, and all that is said is one warning naming {@code refused} and
	 * the ACL the user needs.
	 */
	private static void assertTheFailurePolicyDecides(CircuitBreaker breaker, FailoverBreakerStore store,
			CapturedOutput output, String refused) {
		Await.until(WAIT, () -> !store.isRedisAvailable(), "Redis to leave the decisions");
		// The outcome Redis refused counts locally; it may land after Redis left, so wait for it before
		// the failures, or it would break their run.
		Await.until(WAIT, () -> breaker.getSnapshot().calls() == 1, "the refused call to count locally");
		SecuredRedis.failTwice(breaker);
		assertThatExceptionOfType(CircuitBreakerOpenException.class).isThrownBy(() -> breaker.executeSupplier(() -> "paid"));
		assertThat(BreakerTestContexts.redisState(server, BREAKER)).as("the state in Redis").isNull();
		long probes = store.getFailedProbes();
		Await.until(WAIT, () -> store.getFailedProbes() >= probes + 3, "three more probes to find the permission missing");
		assertThat(store.isRedisAvailable()).isFalse();
		List<String> warnings = warnings(output);
		assertThat(warnings).as("warnings").singleElement().asString()
			.contains("Redis refuses the circuit breakers' commands for the configured user (")
			.contains(refused)
			.contains("ACL SETUSER <user> " + BreakerAcl.rules(KEYS))
			.contains("policy 'local' decides");
		assertThat(output.getOut()).doesNotContain("Redis answers again");
	}

	/**
	 * Once the permission is back, the probe finds it and says so once, and Redis decides again: it
	 * takes over the breaker that opened locally meanwhile, and a reset there closes it for the
	 * application.
	 */
	private static void assertRedisDecidesAgain(FailoverBreakerStore store, CircuitBreaker breaker,
			CapturedOutput output) {
		Await.until(WAIT, () -> output.getOut().contains("Redis answers again"), "the store to say Redis decides again");
		assertThat(store.isRedisAvailable()).isTrue();
		assertThat(output.getOut().lines().filter((line) -> line.contains("Redis answers again"))).hasSize(1);
		BreakerTestContexts.awaitRedisState(server, BREAKER, "OPEN");
		assertThat(breaker.reset()).isEqualTo(CircuitState.CLOSED);
		assertThat(BreakerTestContexts.redisState(server, BREAKER)).isEqualTo("CLOSED");
		assertThat(breaker.executeSupplier(() -> "paid")).isEqualTo("paid");
		assertThat(warnings(output)).hasSize(1);
	}

	private static void assertStartupRefuses(String command) {
		asBreaker().run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure())
				.hasMessageContaining("Redis does not permit the circuit breaker's commands")
				.hasMessageContaining("NOPERM")
				.hasMessageContaining(command)
				.hasMessageContaining("ACL SETUSER <user> " + BreakerAcl.rules(KEYS));
		});
	}

	private static ApplicationContextRunner asBreaker() {
		return SecuredRedis.runner(server)
			.withPropertyValues("spring.data.redis.username=breaker", "spring.data.redis.password=" + PASSWORD);
	}

	private static void setUser(String user, String rules) {
		List<String> command = new ArrayList<>(List.of("ACL", "SETUSER", user, "reset", "on", ">" + PASSWORD));
		command.addAll(List.of(rules.split(" ")));
		server.command(command.toArray(String[]::new));
	}

	private static List<String> warnings(CapturedOutput output) {
		return output.getOut().lines().filter((line) -> line.contains(" WARN ")).toList();
	}

}
