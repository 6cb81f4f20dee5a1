package io.redisbreaker.core;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where the breakers run what must not run on a Redis I/O thread: listeners of transitions that an
 * answer brought, and the continuation of an asynchronous permission (a reactive subscription, a
 * {@code CompletionStage} chain). A cached pool of daemon threads named {@code circuit-breaker-callback-N}:
 * threads are reused while busy and end after a minute idle, and a callback that blocks takes a thread
 * of its own instead of holding up the others. (Without an executor, {@code CompletableFuture} uses the
 * JVM's common pool, which other libraries share, and on a machine with two cores or fewer it starts a
 * new thread for every single task.)
 */
public final class Callbacks {

	private static final AtomicInteger threads = new AtomicInteger();

	private static final ExecutorService EXECUTOR = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
			new SynchronousQueue<>(), (task) -> {
				Thread thread = new Thread(task, "circuit-breaker-callback-" + threads.incrementAndGet());
				thread.setDaemon(true);
				return thread;
			});

	private Callbacks() {
	}

	/** The executor; shared by every breaker of the JVM, it needs no shutdown (idle threads end). */
	public static Executor executor() {
		return EXECUTOR;
	}

}
