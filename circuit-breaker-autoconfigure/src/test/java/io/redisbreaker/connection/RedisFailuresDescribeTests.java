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

}
