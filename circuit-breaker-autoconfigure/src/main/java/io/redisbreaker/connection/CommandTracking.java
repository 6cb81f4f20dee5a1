package io.redisbreaker.connection;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.util.ClassUtils;

/**
 * Wraps a connection so the retry knows which commands an attempt sent. A template callback is opaque
 * (every {@code opsForValue()} call ends in one), so the commands themselves are the only way to tell
 * whether running the attempt again is safe.
 */
final class CommandTracking {

	/** What one attempt sent. */
	static final class Attempt {

		private boolean onlyIdempotent = true;

		private int commands;

		private boolean bound;

		private boolean blocking;

		void sent(Method method, @Nullable Object[] args) {
			this.commands++;
			if (!IdempotentCommands.isIdempotent(method, args)) {
				this.onlyIdempotent = false;
			}
			if (IdempotentCommands.isBlocking(method)) {
				this.blocking = true;
			}
		}

		/** Whether the attempt sent a blocking command, whose timeout is no sign of a dead connection. */
		boolean sentBlockingCommand() {
			return this.blocking;
		}

		/**
		 * The attempt ran on a connection bound to the thread (a session or transaction): its commands
		 * belong to a larger unit that a retry of this one step would break apart.
		 */
		void bound() {
			this.bound = true;
		}

		/**
		 * Whether running the attempt again is safe after this failure. A command that surely did not run
		 * may be sent again, but only if nothing sent before it in the same attempt would run twice.
		 */
		boolean mayRetryAfter(Throwable failure) {
			if (this.bound) {
				return false;
			}
			return switch (RedisFailures.classify(failure)) {
				case NOT_SENT, REJECTED -> this.onlyIdempotent || this.commands <= 1;
				case IN_DOUBT -> this.onlyIdempotent;
				case DENIED, FATAL -> false;
			};
		}

	}

	private CommandTracking() {
	}

	static RedisConnection track(RedisConnection connection, boolean existingConnection, Attempt attempt) {
		if (existingConnection) {
			attempt.bound();
		}
		return (RedisConnection) proxy(connection, attempt);
	}

	private static Object proxy(Object target, Attempt attempt) {
		Class<?>[] interfaces = ClassUtils.getAllInterfacesForClass(target.getClass(), target.getClass().getClassLoader());
		return Proxy.newProxyInstance(target.getClass().getClassLoader(), interfaces, new Tracker(target, attempt));
	}

	private record Tracker(Object target, Attempt attempt) implements InvocationHandler {

		@Override
		public @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args) throws Throwable {
			boolean local = IdempotentCommands.isLocal(method);
			if (!local) {
				this.attempt.sent(method, args);
			}
			Object result;
			try {
				result = method.invoke(this.target, args);
			}
			catch (InvocationTargetException ex) {
				throw ex.getTargetException();
			}
			// Command groups (stringCommands(), keyCommands(), ...) are tracked too.
			if (result != null && IdempotentCommands.isCommandGroup(method)) {
				return proxy(result, this.attempt);
			}
			return result;
		}

	}

}
