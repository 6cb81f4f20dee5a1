package io.redisbreaker.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Makes sure no redis-server outlives the JVM that started it.
 *
 * <p>A shutdown hook covers normal exits and SIGTERM. A JVM killed with SIGKILL (e.g. a forked
 * test JVM killed by a build timeout) runs no hook, so a tiny {@code sh} watchdog holds the pids:
 * it reads them from a pipe that only this JVM holds open, and kills whatever is left when the
 * pipe reaches end-of-file.
 */
final class ProcessReaper {

	private static final String WATCHDOG_SCRIPT =
			"pids=' '\n"
					+ "while read -r op pid; do\n"
					+ "  case \"$op\" in\n"
					+ "    add) pids=\"$pids$pid \" ;;\n"
					+ "    del) pids=$(printf '%s' \"$pids\" | sed \"s/ $pid / /\") ;;\n"
					+ "  esac\n"
					+ "done\n"
					+ "for pid in $pids; do kill -9 \"$pid\" 2>/dev/null; done\n";

	private static final Set<Process> live = ConcurrentHashMap.newKeySet();
	private static final Set<Runnable> cleanups = ConcurrentHashMap.newKeySet();
	private static final @Nullable OutputStream watchdog = startWatchdog();

	static {
		Runtime.getRuntime()
				.addShutdownHook(new Thread(ProcessReaper::killAll, "redis-test-support-reaper"));
	}

	private ProcessReaper() {}

	static void register(Process process) {
		live.add(process);
		tellWatchdog("add " + process.pid());
	}

	static void unregister(Process process) {
		if (live.remove(process)) {
			tellWatchdog("del " + process.pid());
		}
	}

	/** Runs {@code cleanup} at JVM exit, after the processes are dead, unless removed first. */
	static void onExit(Runnable cleanup) {
		cleanups.add(cleanup);
	}

	static void cancelOnExit(Runnable cleanup) {
		cleanups.remove(cleanup);
	}

	private static void killAll() {
		List<Process> processes = new ArrayList<>(live);
		processes.forEach(Process::destroyForcibly);
		for (Process process : processes) {
			try {
				process.waitFor(5, TimeUnit.SECONDS);
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				return;
			}
			unregister(process);
		}
		for (Runnable cleanup : cleanups) {
			try {
				cleanup.run();
			} catch (RuntimeException ignored) {
				// Best effort at exit.
			}
		}
	}

	private static synchronized void tellWatchdog(String line) {
		if (watchdog == null) {
			return;
		}
		try {
			watchdog.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
			watchdog.flush();
		} catch (IOException ignored) {
			// The watchdog is a second line of defence; the shutdown hook still works without it.
		}
	}

	private static @Nullable OutputStream startWatchdog() {
		try {
			Process sh =
					new ProcessBuilder("/bin/sh", "-c", WATCHDOG_SCRIPT)
							.redirectOutput(ProcessBuilder.Redirect.DISCARD)
							.redirectError(ProcessBuilder.Redirect.DISCARD)
							.start();
			return sh.getOutputStream();
		} catch (IOException | RuntimeException e) {
			return null;
		}
	}
}
