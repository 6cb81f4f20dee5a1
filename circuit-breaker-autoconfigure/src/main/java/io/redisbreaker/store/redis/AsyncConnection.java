package io.redisbreaker.store.redis;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.event.connection.ReconnectFailedEvent;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;

/**
 * Hands out the asynchronous commands of a live connection without ever blocking the caller. Opening
 * a connection blocks (Spring Data Redis connects synchronously, under a lock, after a reset or at
 * startup), so that happens on a thread of its own, once for all waiting callers, while their stages
 * simply wait and the breaker's timeout bounds them.
 * <p>
 * It also remembers why connecting last failed: its own attempts, and Lettuce's attempts to
 * reconnect a connection that dropped. A breaker operation that ran into its timeout meanwhile only
 * knows about the timeout; {@link #lastConnectFailure()} names the actual cause.
 */
final class AsyncConnection implements AutoCloseable {

	private final Supplier<? extends RedisClusterAsyncCommands<byte[], byte[]>> connect;

	private final ExecutorService connector = Executors.newSingleThreadExecutor((task) -> {
		Thread thread = new Thread(task, "circuit-breaker-redis-connect");
		thread.setDaemon(true);
		return thread;
	});

	private final AtomicReference<@Nullable CompletableFuture<RedisClusterAsyncCommands<byte[], byte[]>>> connecting = new AtomicReference<>();

	private volatile @Nullable RedisClusterAsyncCommands<byte[], byte[]> current;

	private volatile @Nullable Throwable lastConnectFailure;

	/** Lettuce's connection events, watched once the first connection was opened. */
	private volatile @Nullable Disposable connectionEvents;

	/** Completed by the next reconnect event, for {@link #connectAttempt()}; created on demand. */
	private final AtomicReference<@Nullable CompletableFuture<@Nullable Throwable>> nextReconnect = new AtomicReference<>();

	AsyncConnection(Supplier<? extends RedisClusterAsyncCommands<byte[], byte[]>> connect) {
		this.connect = connect;
	}

	CompletionStage<RedisClusterAsyncCommands<byte[], byte[]>> get() {
		RedisClusterAsyncCommands<byte[], byte[]> commands = this.current;
		if (commands != null && isOpen(commands)) {
			return CompletableFuture.completedFuture(commands);
		}
		return connect();
	}

	private CompletableFuture<RedisClusterAsyncCommands<byte[], byte[]>> connect() {
		while (true) {
			CompletableFuture<RedisClusterAsyncCommands<byte[], byte[]>> pending = this.connecting.get();
			if (pending != null) {
				return pending;
			}
			CompletableFuture<RedisClusterAsyncCommands<byte[], byte[]>> fresh = new CompletableFuture<>();
			if (this.connecting.compareAndSet(null, fresh)) {
				try {
					this.connector.execute(() -> open(fresh));
				}
				catch (RuntimeException ex) {
					this.connecting.set(null);
					fresh.completeExceptionally(ex);
				}
				return fresh;
			}
		}
	}

	private void open(CompletableFuture<RedisClusterAsyncCommands<byte[], byte[]>> result) {
		try {
			RedisClusterAsyncCommands<byte[], byte[]> commands = this.connect.get();
			this.current = commands;
			this.lastConnectFailure = null;
			watchReconnects(commands);
			this.connecting.set(null);
			result.complete(commands);
		}
		catch (RuntimeException ex) {
			// Set before the stage fails, so whoever hears of the failure can read it here too.
			this.lastConnectFailure = ex;
			this.connecting.set(null);
			result.completeExceptionally(ex);
		}
	}

	/**
	 * Why the last attempt to connect or reconnect failed, or {@code null} once connected (or before any
	 * attempt). A caller whose own timeout ran out while a connect was still failing only saw a
	 * timeout; this is the actual cause, such as a refused connection.
	 */
	@Nullable Throwable lastConnectFailure() {
		return this.lastConnectFailure;
	}

	/**
	 * Completes once no connect is in progress, with {@link #lastConnectFailure()} as it is then: the
	 * failure of the attempt that was in progress, or {@code null} when it connected. When nothing has
	 * failed yet, it waits for Lettuce's next reconnect event instead (a dropped connection whose first
	 * reconnect has not failed yet), which a connection that is fine never sends: callers bound the
	 * wait. Never completes exceptionally.
	 */
	CompletionStage<@Nullable Throwable> connectAttempt() {
		CompletableFuture<RedisClusterAsyncCommands<byte[], byte[]>> pending = this.connecting.get();
		if (pending != null) {
			return pending.handle((commands, failure) -> (failure != null) ? this.lastConnectFailure : null);
		}
		Throwable last = this.lastConnectFailure;
		if (last != null || this.connectionEvents == null) {
			return CompletableFuture.completedFuture(last);
		}
		// A dropped connection that Lettuce has not yet failed to reconnect: its next attempt tells why.
		// Callers bound the wait; a connection that is fine sends no event, and they fall back to what
		// they know.
		return this.nextReconnect.updateAndGet((next) -> (next == null || next.isDone()) ? new CompletableFuture<>() : next);
	}

	/**
	 * A connection that drops is reconnected by Lettuce, not here, and its commands then fail or time
	 * out without saying why; Lettuce's event bus does say why. The events are those of every
	 * connection on the same client resources, the transition subscription's too, which is what is
	 * wanted: any of them failing to reach Redis, or reaching it again, tells about the same server.
	 */
	private void watchReconnects(RedisClusterAsyncCommands<byte[], byte[]> commands) {
		StatefulConnection<byte[], byte[]> connection = stateful(commands);
		if (this.connectionEvents != null || connection == null) {
			return;
		}
		this.connectionEvents = connection.getResources().eventBus().get().subscribe((event) -> {
			if (event instanceof ReconnectFailedEvent failed) {
				this.lastConnectFailure = failed.getCause();
				complete(failed.getCause());
			}
			else if (event instanceof ConnectionActivatedEvent) {
				this.lastConnectFailure = null;
				complete(null);
			}
		});
	}

	private void complete(@Nullable Throwable cause) {
		CompletableFuture<@Nullable Throwable> next = this.nextReconnect.getAndSet(null);
		if (next != null) {
			next.complete(cause);
		}
	}

	private static @Nullable StatefulConnection<byte[], byte[]> stateful(
			RedisClusterAsyncCommands<byte[], byte[]> commands) {
		if (commands instanceof RedisAsyncCommands<byte[], byte[]> standalone) {
			return standalone.getStatefulConnection();
		}
		if (commands instanceof RedisAdvancedClusterAsyncCommands<byte[], byte[]> cluster) {
			return cluster.getStatefulConnection();
		}
		return null;
	}

	/** A closed connection (reset after READONLY or a timeout) must be replaced; a reconnecting one not. */
	private static boolean isOpen(RedisClusterAsyncCommands<byte[], byte[]> commands) {
		if (commands instanceof RedisAsyncCommands<byte[], byte[]> standalone) {
			return standalone.getStatefulConnection().isOpen();
		}
		if (commands instanceof RedisAdvancedClusterAsyncCommands<byte[], byte[]> cluster) {
			return cluster.getStatefulConnection().isOpen();
		}
		return true;
	}

	@Override
	public void close() {
		this.connector.shutdownNow();
		Disposable events = this.connectionEvents;
		if (events != null) {
			events.dispose();
		}
	}

}
