package io.redisbreaker.store.redis;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.jspecify.annotations.Nullable;

/**
 * Hands out the asynchronous commands of a live connection without ever blocking the caller. Opening
 * a connection blocks (Spring Data Redis connects synchronously, under a lock, after a reset or at
 * startup), so that happens on a thread of its own, once for all waiting callers, while their stages
 * simply wait and the breaker's timeout bounds them.
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
	 * Why the last attempt to connect failed, or {@code null} if it succeeded (or none was made). A
	 * caller whose own timeout ran out while a connect was still failing only saw a timeout; this is
	 * the actual cause, such as a refused connection.
	 */
	@Nullable Throwable lastConnectFailure() {
		return this.lastConnectFailure;
	}

	/**
	 * Completes when the connect in progress ends: with its failure, or with {@code null} when it
	 * succeeded or none was in progress. Never completes exceptionally.
	 */
	CompletionStage<@Nullable Throwable> connectAttempt() {
		CompletableFuture<RedisClusterAsyncCommands<byte[], byte[]>> pending = this.connecting.get();
		if (pending == null) {
			return CompletableFuture.completedFuture(null);
		}
		return pending.handle((commands, failure) -> (failure != null) ? this.lastConnectFailure : null);
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
	}

}
