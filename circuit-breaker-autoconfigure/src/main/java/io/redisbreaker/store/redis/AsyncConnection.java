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
			this.connecting.set(null);
			result.complete(commands);
		}
		catch (RuntimeException ex) {
			this.connecting.set(null);
			result.completeExceptionally(ex);
		}
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
