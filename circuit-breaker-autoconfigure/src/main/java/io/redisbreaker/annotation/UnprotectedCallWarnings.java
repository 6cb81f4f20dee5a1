package io.redisbreaker.annotation;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Warns about calls that ran without a breaker because their name could not be computed: at most once a
 * minute per method and name expression, so a bad argument on a hot path cannot flood the log, and with
 * the number of calls the interval kept quiet about.
 */
final class UnprotectedCallWarnings {

	private static final Log logger = LogFactory.getLog(CircuitProtectedAspect.class);

	static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

	// One entry per (method, name attribute): fixed by the code, so the map stays small.
	private final Map<ProtectedMethod, Window> windows = new ConcurrentHashMap<>();

	private final Map<ProtectedMethod, Window> overLimit = new ConcurrentHashMap<>();

	/** Names kept per method for the next over-limit warning. */
	static final int SAMPLE_NAMES = 5;

	/**
	 * A call whose breaker would exceed circuitbreaker.max-breakers: warned at most once a minute per
	 * method, naming some of the names that did not get a breaker.
	 */
	void overLimit(ProtectedMethod method, String name, int maxBreakers, boolean denied) {
		if (!logger.isWarnEnabled()) {
			return;
		}
		Window window = this.overLimit.computeIfAbsent(method, (key) -> new Window());
		window.sample(name);
		long quietCalls = window.admit(System.nanoTime());
		if (quietCalls < 0) {
			return;
		}
		logger.warn("@CircuitProtected method " + describe(method) + " (name '" + method.annotation().name()
				+ "') " + (denied ? "rejected calls" : "ran calls without a circuit breaker")
				+ ": circuitbreaker.max-breakers (" + maxBreakers + ") breakers exist already; names without one: "
				+ window.takeSample() + ((quietCalls > 0) ? " (" + quietCalls + " more call(s) since the last warning)" : "")
				+ ". Make the names less specific or raise circuitbreaker.max-breakers. Warning at most once a minute "
				+ "per method");
	}

	void unprotected(ProtectedMethod method, RuntimeException cause) {
		if (!logger.isWarnEnabled()) {
			return;
		}
		long quietCalls = this.windows.computeIfAbsent(method, (key) -> new Window()).admit(System.nanoTime());
		if (quietCalls < 0) {
			return;
		}
		logger.warn("@CircuitProtected method " + describe(method) + " ran without a circuit breaker: its name '"
				+ method.annotation().name() + "' could not be used (" + cause.getMessage() + "). Warning at most "
				+ "once a minute per name expression" + ((quietCalls > 0) ? "; " + quietCalls
						+ " more call(s) ran without a breaker since the last warning" : ""));
	}

	private static String describe(ProtectedMethod method) {
		return method.method().getDeclaringClass().getName() + "#" + method.method().getName() + "("
				+ Arrays.stream(method.method().getParameterTypes())
					.map(Class::getSimpleName)
					.collect(Collectors.joining(", "))
				+ ")";
	}

	/** The last warning of one name expression, and the calls since. */
	private static final class Window {

		private boolean warned;

		private long warnedAt;

		private long quietCalls;

		private final Set<String> sample = new LinkedHashSet<>();

		synchronized void sample(String name) {
			if (this.sample.size() < SAMPLE_NAMES) {
				this.sample.add(name);
			}
		}

		synchronized String takeSample() {
			String names = this.sample.stream().map((n) -> "'" + n + "'").collect(Collectors.joining(", "));
			this.sample.clear();
			return names;
		}

		/** The calls kept quiet about if this one is to be logged, else -1. */
		synchronized long admit(long now) {
			if (this.warned && now - this.warnedAt < INTERVAL_NANOS) {
				this.quietCalls++;
				return -1;
			}
			long quiet = this.quietCalls;
			this.warned = true;
			this.warnedAt = now;
			this.quietCalls = 0;
			return quiet;
		}

	}

}
