package io.redisbreaker.testsupport;

import org.jspecify.annotations.Nullable;
import org.testcontainers.DockerClientFactory;

/** Asks Testcontainers once per JVM whether a Docker engine is reachable. */
final class DockerProbe {

	private static volatile @Nullable Boolean available;

	private DockerProbe() {}

	static boolean isDockerAvailable() {
		Boolean result = available;
		if (result == null) {
			synchronized (DockerProbe.class) {
				result = available;
				if (result == null) {
					result = probe();
					available = result;
				}
			}
		}
		return result;
	}

	private static boolean probe() {
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		} catch (RuntimeException | LinkageError e) {
			// No Testcontainers on the class path, or a broken Docker setup: fall back to processes.
			return false;
		}
	}
}
