package io.redisbreaker.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The reliability harness: one instance of an application protected by the starter, started as a JVM
 * process of its own by the multi-process tests (several of them share one Redis), and driven over HTTP.
 * <ul>
 * <li>{@link ProtectedService}: a {@code @CircuitProtected} method in front of an {@link Upstream} that
 * succeeds, fails or hangs as {@code POST /upstream} says;</li>
 * <li>{@link HarnessController}: load on several threads (annotated or programmatic calls), watchers that
 * report when this process's decisions changed, the half-open contention loop and the transitions this
 * process heard;</li>
 * <li>{@code /actuator/circuitbreakers}, exposed and writable.</li>
 * </ul>
 * With {@code --harness.port-file=PATH} the port the web server got ({@code --server.port=0}) is written to
 * that file once the server listens. With {@code --harness.parent-pid=PID} the process exits once that
 * process is gone, so a test JVM killed by a build timeout leaves no harness behind.
 */
@SpringBootApplication
public class HarnessApplication {

	public static void main(String[] args) {
		for (String arg : args) {
			if (arg.startsWith("--harness.parent-pid=")) {
				exitWithParent(Long.parseLong(arg.substring("--harness.parent-pid=".length())));
			}
		}
		SpringApplication.run(HarnessApplication.class, args);
	}

	private static void exitWithParent(long pid) {
		Runnable exit = () -> {
			System.out.println("HARNESS parent " + pid + " is gone, exiting");
			System.exit(3);
		};
		// The JDK watches the process itself; no thread of ours polls it.
		ProcessHandle.of(pid).ifPresentOrElse((parent) -> parent.onExit().thenRun(exit), exit);
	}

	@Bean
	ApplicationListener<WebServerInitializedEvent> portFileWriter(Environment environment) {
		return (event) -> {
			String file = environment.getProperty("harness.port-file");
			int port = event.getWebServer().getPort();
			System.out.println("HARNESS LISTENING " + port);
			if (file != null) {
				Path target = Path.of(file);
				Path partial = target.resolveSibling(target.getFileName() + ".partial");
				try {
					Files.writeString(partial, Integer.toString(port), StandardCharsets.US_ASCII);
					Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			}
		};
	}

	@Bean
	TransitionLog transitionLog() {
		return new TransitionLog();
	}

}
