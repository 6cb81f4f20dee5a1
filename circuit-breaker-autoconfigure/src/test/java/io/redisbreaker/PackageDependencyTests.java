package io.redisbreaker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The layout shows the architecture: the core never imports a store, the Redis connection hardening
 * stands alone, and no two packages import each other, directly or around a loop. Read from the
 * sources' import lines, so a new dependency shows up here the moment it is written.
 */
class PackageDependencyTests {

	private static final Path SOURCES = Path.of("src/main/java");

	private static final Pattern PACKAGE = Pattern.compile("^package (io\\.redisbreaker[\\w.]*);", Pattern.MULTILINE);

	private static final Pattern IMPORT = Pattern
		.compile("^import (?:static )?(io\\.redisbreaker(?:\\.[a-z]\\w*)*)\\.[A-Z]", Pattern.MULTILINE);

	/** Package to the other io.redisbreaker packages it imports. */
	private static Map<String, Set<String>> dependencies() {
		Map<String, Set<String>> graph = new TreeMap<>();
		try (Stream<Path> files = Files.walk(SOURCES)) {
			files.filter((file) -> file.toString().endsWith(".java")).forEach((file) -> {
				String source = read(file);
				Matcher pkg = PACKAGE.matcher(source);
				if (!pkg.find()) {
					return;
				}
				Set<String> imports = graph.computeIfAbsent(pkg.group(1), (key) -> new TreeSet<>());
				Matcher imported = IMPORT.matcher(source);
				while (imported.find()) {
					if (!imported.group(1).equals(pkg.group(1))) {
						imports.add(imported.group(1));
					}
				}
			});
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return graph;
	}

	@Test
	void theSourcesAreFound() {
		assertThat(dependencies()).containsKeys("io.redisbreaker.core", "io.redisbreaker.store",
				"io.redisbreaker.store.redis", "io.redisbreaker.connection", "io.redisbreaker.autoconfigure");
	}

	@Test
	void theCoreImportsNoOtherPackageOfTheProject() {
		assertThat(dependencies().get("io.redisbreaker.core")).isEmpty();
	}

	@Test
	void theConnectionHardeningStandsAlone() {
		assertThat(dependencies().get("io.redisbreaker.connection")).isEmpty();
	}

	@Test
	void noPackagesDependOnEachOtherInALoop() {
		Map<String, Set<String>> graph = dependencies();
		List<List<String>> loops = new ArrayList<>();
		for (String start : graph.keySet()) {
			findLoop(graph, start, new ArrayList<>(List.of(start)), loops);
		}
		assertThat(loops).as("import loops between packages").isEmpty();
	}

	/** Depth-first walk from {@code path}'s last package, recording any path that comes back to its start. */
	private static void findLoop(Map<String, Set<String>> graph, String start, List<String> path,
			List<List<String>> loops) {
		for (String next : graph.getOrDefault(path.get(path.size() - 1), Set.of())) {
			if (next.equals(start)) {
				List<String> loop = new ArrayList<>(path);
				loop.add(start);
				loops.add(loop);
			}
			else if (!path.contains(next) && next.compareTo(start) > 0) {
				// Only loops whose smallest package is the start: each loop is reported once.
				path.add(next);
				findLoop(graph, start, path, loops);
				path.remove(path.size() - 1);
			}
		}
	}

	private static String read(Path file) {
		try {
			return Files.readString(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
