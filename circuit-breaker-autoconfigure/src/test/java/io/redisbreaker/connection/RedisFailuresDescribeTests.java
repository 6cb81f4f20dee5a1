package io.redisbreaker.connection;

import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionException;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.RedisConnectionFailureException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Log lines name what went wrong, not the wrappers around it; credentials and permissions are told
 * apart.
 */
class RedisFailuresDescribeTests {

	@Test
	void aRefusedConnectionIsDescribedWithItsAddress() {
		ConnectException jdk = new ConnectException("Connection refused");
		ConnectException netty = new ConnectException("Connection refused: localhost/127.0.0.1:6390");
		netty.initCause(jdk);
		Throwable failure = new RedisConnectionFailureException("Unable to connect to Redis",
				new RedisConnectionException("Unable to connect to localhost/<unresolved>:6390", netty));
		assertThat(RedisFailures.describe(failure)).isEqualTo("Connection refused: localhost/127.0.0.1:6390");
	}

	@Test
	void aCauseWithoutMessageIsNamedByItsType() {
		assertThat(RedisFailures.describe(new CompletionException(new TimeoutException()))).isEqualTo("TimeoutException");
		assertThat(RedisFailures.describe(null)).isEqualTo("unknown cause");
	}

	@Test
	void credentialsAndPermissionsAreToldApart() {
		Throwable wrongPassword = new RedisConnectionFailureException("Unable to connect to Redis",
				new RedisCommandExecutionException("WRONGPASS invalid username-password pair or user is disabled."));
		Throwable noPermission = new RedisCommandExecutionException(
				"NOPERM User reader has no permissions to run the 'hset' command");
		assertThat(RedisFailures.isCredentialsRefused(wrongPassword)).isTrue();
		assertThat(RedisFailures.isPermissionRefused(wrongPassword)).isFalse();
		assertThat(RedisFailures.isCredentialsRefused(noPermission)).isFalse();
		assertThat(RedisFailures.isPermissionRefused(noPermission)).isTrue();
		assertThat(RedisFailures.classify(wrongPassword)).isEqualTo(RedisFailures.Kind.DENIED);
		assertThat(RedisFailures.classify(noPermission)).isEqualTo(RedisFailures.Kind.DENIED);
	}

	@Test
	void aCommandRefusedInsideAScriptIsAPermissionRefusalToo() {
		// What redis-server 7.0.15 answers when a script runs a command, key or channel the ACL refuses
		// (not NOPERM), and what 7.2 and later answer instead.
		for (String refusal : new String[] {
				"ERR The user executing the script can't run this command or subcommand script: 2248ea7f, on @user_script:1.",
				"ERR The user executing the script can't access at least one of the keys mentioned in the command "
						+ "arguments script: 09e99d8f, on @user_script:1.",
				"ERR The user executing the script can't publish to the channel mentioned in the command script: a7e8, "
						+ "on @user_script:1.",
				"ERR ACL failure in script: User breaker has no permissions to run the 'hset' command script: 2248ea7f, "
						+ "on @user_script:1." }) {
			Throwable failure = new CompletionException(new RedisCommandExecutionException(refusal));
			assertThat(RedisFailures.isPermissionRefused(failure)).as(refusal).isTrue();
			assertThat(RedisFailures.isCredentialsRefused(failure)).as(refusal).isFalse();
			assertThat(RedisFailures.classify(failure)).as(refusal).isEqualTo(RedisFailures.Kind.DENIED);
		}
		assertThat(RedisFailures.classify(new RedisCommandExecutionException(
				"ERR user_script:3: Script attempted to access nonexistent global variable 'x'")))
			.isEqualTo(RedisFailures.Kind.FATAL);
	}

}
