package io.redisbreaker.connection;

import java.io.IOException;
import java.lang.reflect.Method;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisReadOnlyException;
import org.junit.jupiter.api.Test;

import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.data.redis.connection.RedisStringCommands;
import org.springframework.data.redis.connection.RedisStringCommands.SetOption;
import org.springframework.data.redis.core.types.Expiration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How failures are classified and when an attempt may run again, with the exceptions Spring Data
 * Redis and Lettuce actually raise.
 */
class RetryDecisionTests {

	private static final RuntimeException NOT_CONNECTED = new RedisSystemException("Redis exception",
			new RedisException("Currently not connected. Commands are rejected."));

	private static final RuntimeException TIMEOUT = new QueryTimeoutException("Redis command timed out",
			new RedisCommandTimeoutException("Command timed out after 2 second(s)"));

	private static final RuntimeException RESET = new RedisSystemException("Redis exception",
			new RedisException(new IOException("Connection reset by peer")));

	private static final RuntimeException READONLY = new RedisSystemException("Error in execution",
			new RedisReadOnlyException("READONLY You can't write against a read only replica."));

	private static final RuntimeException WRONGTYPE = new RedisSystemException("Error in execution",
			new RedisCommandExecutionException("WRONGTYPE Operation against a key holding the wrong kind of value"));

	private static final RuntimeException WRONGPASS = new RedisConnectionFailureException("Unable to connect to Redis",
			new RedisConnectionException("Unable to connect",
					new RedisCommandExecutionException("WRONGPASS invalid username-password pair or user is disabled.")));

	@Test
	void classifiesWhatSpringDataRedisRaises() {
		assertThat(RedisFailures.classify(NOT_CONNECTED)).isEqualTo(RedisFailures.Kind.NOT_SENT);
		assertThat(RedisFailures.classify(new RedisConnectionFailureException("Unable to connect to Redis")))
			.isEqualTo(RedisFailures.Kind.NOT_SENT);
		assertThat(RedisFailures.classify(TIMEOUT)).isEqualTo(RedisFailures.Kind.IN_DOUBT);
		assertThat(RedisFailures.classify(RESET)).isEqualTo(RedisFailures.Kind.IN_DOUBT);
		assertThat(RedisFailures.classify(READONLY)).isEqualTo(RedisFailures.Kind.REJECTED);
		assertThat(RedisFailures.classify(WRONGTYPE)).isEqualTo(RedisFailures.Kind.FATAL);
		assertThat(RedisFailures.classify(WRONGPASS)).isEqualTo(RedisFailures.Kind.DENIED);
		assertThat(RedisFailures.isReadOnly(READONLY)).isTrue();
		assertThat(RedisFailures.isTimeout(TIMEOUT)).isTrue();
	}

	@Test
	void idempotentAttemptsAreRetriedAfterAnyConnectionFailure() throws Exception {
		CommandTracking.Attempt attempt = attempt(command("get", byte[].class), command("set", byte[].class, byte[].class));
		assertThat(attempt.mayRetryAfter(TIMEOUT)).isTrue();
		assertThat(attempt.mayRetryAfter(RESET)).isTrue();
		assertThat(attempt.mayRetryAfter(NOT_CONNECTED)).isTrue();
		assertThat(attempt.mayRetryAfter(READONLY)).isTrue();
		assertThat(attempt.mayRetryAfter(WRONGTYPE)).isFalse();
		assertThat(attempt.mayRetryAfter(WRONGPASS)).isFalse();
	}

	@Test
	void aLoneNonIdempotentCommandIsRetriedOnlyIfItSurelyDidNotRun() throws Exception {
		CommandTracking.Attempt attempt = attempt(command("incr", byte[].class));
		assertThat(attempt.mayRetryAfter(NOT_CONNECTED)).isTrue();
		assertThat(attempt.mayRetryAfter(READONLY)).isTrue();
		assertThat(attempt.mayRetryAfter(TIMEOUT)).isFalse();
		assertThat(attempt.mayRetryAfter(RESET)).isFalse();
		// Written as the connection closed, failed by the replay filter (Spring Data Redis wraps it so).
		assertThat(attempt.mayRetryAfter(new RedisSystemException("Redis exception",
				CommandNotReplayedException.notSent("INCR")))).isTrue();
		assertThat(attempt.mayRetryAfter(new RedisSystemException("Redis exception",
				CommandNotReplayedException.mayHaveRun("INCR")))).isFalse();
	}

	@Test
	void aCommandAfterANonIdempotentOneIsNotRetriedEvenIfItDidNotRun() throws Exception {
		// INCR ran; the next command failed unsent: running the attempt again would increment twice.
		CommandTracking.Attempt attempt = attempt(command("incr", byte[].class), command("get", byte[].class));
		assertThat(attempt.mayRetryAfter(NOT_CONNECTED)).isFalse();
	}

	@Test
	void attemptsOnABoundConnectionAreNeverRetriedAlone() throws Exception {
		CommandTracking.Attempt attempt = attempt(command("get", byte[].class));
		attempt.bound();
		assertThat(attempt.mayRetryAfter(NOT_CONNECTED)).isFalse();
	}

	@Test
	void setIsIdempotentOnlyWithoutConditions() throws Exception {
		Method set = command("set", byte[].class, byte[].class, Expiration.class, SetOption.class);
		assertThat(IdempotentCommands.isIdempotent(set,
				new Object[] { new byte[0], new byte[0], Expiration.persistent(), SetOption.upsert() }))
			.isTrue();
		assertThat(IdempotentCommands.isIdempotent(set,
				new Object[] { new byte[0], new byte[0], Expiration.persistent(), SetOption.ifAbsent() }))
			.isFalse();
		assertThat(IdempotentCommands.isIdempotent(command("setNX", byte[].class, byte[].class), null)).isFalse();
	}

	private static CommandTracking.Attempt attempt(Method... commands) {
		CommandTracking.Attempt attempt = new CommandTracking.Attempt();
		for (Method command : commands) {
			attempt.sent(command, null);
		}
		return attempt;
	}

	private static Method command(String name, Class<?>... parameterTypes) throws NoSuchMethodException {
		return RedisStringCommands.class.getMethod(name, parameterTypes);
	}

}
