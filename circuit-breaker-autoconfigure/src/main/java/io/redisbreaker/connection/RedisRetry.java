package io.redisbreaker.connection;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

/**
 * Bounded, backed-off retries for Redis operations that failed because of the connection, built on
 * Spring Framework's {@link RetryPolicy}. A failure is retried only when the command never ran (not
 * connected, refused, READONLY) or when every command of the attempt is idempotent; command errors
 * such as WRONGTYPE and refused credentials are never retried. Before a retry, {@link ConnectionRecovery}
 * resets the connection if the failure calls for it.
 */
public final class RedisRetry {

	/** The attempt running on this thread, which connections report their commands to. */
	private static final ThreadLocal<CommandTracking.@Nullable Attempt> current = new ThreadLocal<>();

	/** The attempt that just failed on this thread, which the retry predicate judges. */
	private static final ThreadLocal<CommandTracking.@Nullable Attempt> failed = new ThreadLocal<>();

	private final RetryTemplate retryTemplate;

	private final BackOff backOff;

	private final ConnectionRecovery recovery;

	private final LongAdder retries = new LongAdder();

	public RedisRetry(RetrySettings settings, ConnectionRecovery recovery) {
		this.recovery = recovery;
		RetryPolicy policy = RetryPolicy.builder()
			.maxRetries(settings.maxRetries())
			.delay(settings.delay())
			.multiplier(settings.multiplier())
			.maxDelay(settings.maxDelay())
			.jitter(settings.jitter())
			.predicate(RedisRetry::mayRetry)
			.build();
		this.retryTemplate = new RetryTemplate(policy);
		this.backOff = policy.getBackOff();
	}

	/** How many times an operation was tried again after a failure, since this retry was created. */
	public long retries() {
		return this.retries.sum();
	}

	/**
	 * Runs a template operation with retries. Connections handed to the operation must go through
	 * {@link #track(RedisConnection)} so the retry knows what was sent. Nested operations (a callback
	 * inside a callback) run once, inside the outer operation's attempts.
	 */
	public <T> T execute(Supplier<T> operation) {
		if (current.get() != null) {
			return operation.get();
		}
		int[] attempts = { 0 };
		try {
			return this.retryTemplate.invoke(() -> {
				if (attempts[0]++ > 0) {
					this.retries.increment();
				}
				return attempt(operation);
			});
		}
		finally {
			current.remove();
			failed.remove();
		}
	}

	private <T> T attempt(Supplier<T> operation) {
		CommandTracking.Attempt attempt = new CommandTracking.Attempt();
		current.set(attempt);
		try {
			return operation.get();
		}
		catch (RuntimeException ex) {
			failed.set(attempt);
			if (!attempt.sentBlockingCommand()) {
				this.recovery.onFailure(ex);
			}
			throw ex;
		}
		finally {
			current.set(null);
		}
	}

	private static boolean mayRetry(Throwable failure) {
		CommandTracking.Attempt attempt = failed.get();
		return attempt != null && attempt.mayRetryAfter(failure);
	}

	/**
	 * Wraps a connection so the running attempt records the commands sent through it.
	 * @param existingConnection whether the connection is bound to the thread (a session or a
	 * transaction), in which case the attempt is not retried on its own
	 */
	public RedisConnection track(RedisConnection connection, boolean existingConnection) {
		CommandTracking.Attempt attempt = current.get();
		return (attempt != null) ? CommandTracking.track(connection, existingConnection, attempt) : connection;
	}

	/**
	 * Runs an asynchronous operation with the same policy, without blocking a thread between attempts.
	 * @param idempotent whether the operation may run twice without changing the result
	 */
	public <T> CompletionStage<T> executeAsync(Supplier<? extends CompletionStage<T>> operation, boolean idempotent) {
		CompletableFuture<T> result = new CompletableFuture<>();
		attemptAsync(operation, idempotent, this.backOff.start(), result);
		return result;
	}

	private <T> void attemptAsync(Supplier<? extends CompletionStage<T>> operation, boolean idempotent,
			BackOffExecution backOff, CompletableFuture<T> result) {
		CompletionStage<T> stage;
		try {
			stage = operation.get();
		}
		catch (RuntimeException ex) {
			stage = CompletableFuture.failedFuture(ex);
		}
		stage.whenComplete((value, failure) -> {
			if (failure == null) {
				result.complete(value);
				return;
			}
			Throwable cause = RedisFailures.unwrap(failure);
			this.recovery.onFailure(cause);
			long delay = RedisFailures.isRetryable(cause, idempotent) ? backOff.nextBackOff() : BackOffExecution.STOP;
			if (delay == BackOffExecution.STOP) {
				result.completeExceptionally(cause);
				return;
			}
			this.retries.increment();
			Executor later = CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS);
			later.execute(() -> attemptAsync(operation, idempotent, backOff, result));
		});
	}

	/**
	 * Retry settings.
	 *
	 * @param maxRetries retries after the first attempt
	 * @param delay delay before the first retry
	 * @param multiplier growth of the delay per retry
	 * @param maxDelay upper bound of the delay
	 * @param jitter random variation of each delay, so instances do not retry in lockstep
	 */
	public record RetrySettings(int maxRetries, Duration delay, double multiplier, Duration maxDelay,
			Duration jitter) {

		/** The source incident's fix: 3 retries after 100 ms, 200 ms, 400 ms, capped at 1 s. */
		public static final RetrySettings DEFAULTS = new RetrySettings(3, Duration.ofMillis(100), 2.0,
				Duration.ofSeconds(1), Duration.ofMillis(10));

	}

}
