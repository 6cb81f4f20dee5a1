package io.redisbreaker.cli;

import io.redisbreaker.core.CallOutcome;
import io.redisbreaker.core.CircuitState;
import io.redisbreaker.store.redis.RedisBreakerStore;
import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.WithRedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Redis server secured as in production: a password for the default user, an ACL user for
 * operators, and one that may run nothing the breakers need. Refused credentials and refused
 * commands are exit code 3, with a message saying which and what to check.
 */
@WithRedisServer(args = { "--requirepass", "s3cret", "--user", "operator", "on", ">op-pass", "~*", "&*", "+@all",
		"--user", "pinger", "on", ">ping-pass", "~*", "&*", "+ping", "+hello", "+auth", "+client",
		// BreakerAcl.rules: what the applications' user needs.
		"--user", "breaker", "on", ">b-pass", "~cb:*", "&cb:transitions", "+evalsha", "+eval", "+script|load", "+hset",
		"+hget", "+hmget", "+hgetall", "+hincrby", "+hdel", "+lpush", "+ltrim", "+lrange", "+lindex", "+zadd", "+zrem",
		"+zrange", "+zrangebyscore", "+zscore", "+zcard", "+zcount", "+zremrangebyscore", "+exists", "+del", "+pexpire",
		"+persist", "+time", "+publish", "+subscribe", "+ping" })
class CliSecurityTests {

	private final RedisServer server;

	private final Applications applications;

	CliSecurityTests(RedisServer server) {
		this.server = server;
		this.applications = new Applications(server);
	}

	@BeforeEach
	void breaker() {
		RedisBreakerStore app = this.applications.instance("app-1");
		Applications.use(app, "orders");
		Applications.call(app, "orders", CallOutcome.SUCCESS);
	}

	@AfterEach
	void close() {
		this.applications.close();
	}

	@Test
	void theRightPasswordGetsIn() {
		CliRun run = CliRun.against(this.server, "status", "orders", "-a", "s3cret");
		assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.OK);
		assertThat(run.out()).contains("state:               CLOSED");
	}

	@Test
	void aWrongPasswordIsExitThreeNamingTheCredentials() {
		CliRun run = CliRun.against(this.server, "status", "-a", "wrong");

		assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.REDIS_UNAVAILABLE);
		assertThat(run.out()).isEmpty();
		assertThat(run.err()).startsWith("Redis at 127.0.0.1:" + this.server.port() + " refused the credentials: ")
			.contains("WRONGPASS")
			.endsWith("expected the password (-a or REDISCLI_AUTH) and user (--user) of an account on that server\n")
			.hasLineCount(1);
	}

	@Test
	void noPasswordIsExitThreeToo() {
		CliRun run = CliRun.against(this.server, "open", "orders");

		assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.REDIS_UNAVAILABLE);
		assertThat(run.err()).contains("refused the credentials").contains("NOAUTH");
		assertThat(Applications.snapshot(this.applications.instance("app-2"), "orders").state())
			.isEqualTo(CircuitState.CLOSED);
	}

	@Test
	void anAclUserLogsInWithUserAndPasswordOrTheUrl() {
		CliRun run = CliRun.against(this.server, "open", "orders", "--user", "operator", "-a", "op-pass");
		assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.OK);
		assertThat(Applications.snapshot(this.applications.instance("app-2"), "orders").state())
			.isEqualTo(CircuitState.FORCED_OPEN);

		CliRun url = CliRun.of("close", "orders", "-u",
				"redis://operator:op-pass@" + this.server.host() + ":" + this.server.port());
		assertThat(url.exitCode()).as(url.toString()).isEqualTo(ExitCodes.OK);
		assertThat(url.out()).startsWith("orders: FORCED_OPEN -> CLOSED");

		CliRun wrongUser = CliRun.against(this.server, "status", "--user", "operator", "-a", "s3cret");
		assertThat(wrongUser.exitCode()).isEqualTo(ExitCodes.REDIS_UNAVAILABLE);
		assertThat(wrongUser.err()).contains("refused the credentials");
	}

	@Test
	void theApplicationsAclIsEnoughForEveryCommand() {
		String[] login = { "--user", "breaker", "-a", "b-pass" };
		for (String[] command : new String[][] { { "status" }, { "status", "orders" }, { "open", "orders" },
				{ "history", "orders" }, { "reset", "--all" }, { "watch", "--duration", "100ms" } }) {
			String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(command), java.util.Arrays.stream(login))
				.toArray(String[]::new);
			CliRun run = CliRun.against(this.server, args);
			assertThat(run.exitCode()).as(String.join(" ", command) + ": " + run).isEqualTo(ExitCodes.OK);
		}
		assertThat(CliRun.against(this.server, "history", "orders", "--user", "breaker", "-a", "b-pass").lines())
			.hasSize(3);
	}

	@Test
	void aUserWhoMayNotRunTheScriptsIsExitThreeSayingSo() {
		CliRun run = CliRun.against(this.server, "status", "--user", "pinger", "-a", "ping-pass");

		assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.REDIS_UNAVAILABLE);
		assertThat(run.err()).startsWith("Redis at 127.0.0.1:" + this.server.port()
				+ " does not permit the command to this user: ").contains("NOPERM")
			.endsWith("; the user needs what the applications' user has: ACL SETUSER <user> ~cb:* &cb:transitions +evalsha "
					+ "+eval +script|load +hset +hget +hmget +hgetall +hincrby +hdel +lpush +ltrim +lrange +lindex +zadd "
					+ "+zrem +zrange +zrangebyscore +zscore +zcard +zcount +zremrangebyscore +exists +del +pexpire "
					+ "+persist +time +publish +subscribe +ping\n")
			.hasLineCount(1);
	}

}
