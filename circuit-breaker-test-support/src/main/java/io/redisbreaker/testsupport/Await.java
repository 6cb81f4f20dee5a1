package io.redisbreaker.testsupport;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Polls a condition until it holds or a deadline passes, so tests wait for exactly as long as the
 * system needs instead of sleeping for a guessed time.
 *
 * <p>A condition that throws a {@link RuntimeException} or {@link AssertionError} counts as "not
 * yet" (a server still starting refuses connections, an AssertJ assertion does not hold yet); the
 * last such failure becomes the cause of the final {@link AssertionError}.
 */
public final class Await {

	/** Short enough to keep tests fast, long enough not to spin a 2-core CI machine. */
	public static final Duration POLL_INTERVAL = Duration.ofMillis(10);

	private Await() {}

	/**
	 * Returns once {@code condition} is true.
	 *
	 * @throws AssertionError naming {@code description} when {@code timeout} passes first
	 */
	public static void until(Duration timeout, BooleanSupplier condition, String description) {
		value(timeout, condition::getAsBoolean, Boolean::booleanValue, description);
	}

	/**
	 * Returns the first value from {@code supplier} that {@code accept} accepts.
	 *
	 * @throws AssertionError naming {@code description} and the last value seen when {@code timeout}
	 *     passes first
	 */
	public static <T extends @Nullable Object> T value(
			Duration timeout, Supplier<T> supplier, Predicate<? super T> accept, String description) {
		long deadline = System.nanoTime() + timeout.toNanos();
		Throwable lastFailure = null;
		Object lastValue = null;
		boolean sawValue = false;
		while (true) {
			try {
				T value = supplier.get();
				lastValue = value;
				sawValue = true;
				if (accept.test(value)) {
					return value;
				}
				lastFailure = null;
			} catch (RuntimeException | AssertionError e) {
				lastFailure = e;
			}
			if (System.nanoTime() - deadline >= 0) {
				String message =
						"Timed out after " + timeout.toMillis() + " ms waiting for: " + description
								+ (sawValue ? " (last value: " + lastValue + ")" : "");
				AssertionError error = new AssertionError(message);
				if (lastFailure != null) {
					error.initCause(lastFailure);
				}
				throw error;
			}
			try {
				Thread.sleep(POLL_INTERVAL.toMillis());
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				throw new AssertionError("Interrupted while waiting for: " + description, e);
			}
		}
	}
}
