package io.redisbreaker.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

import picocli.CommandLine.IVersionProvider;

/**
 * {@code --version}: the project version, filtered into {@code version.properties} at build time, so
 * it is right whether the CLI runs from its jar or from the classes directory.
 */
final class VersionProvider implements IVersionProvider {

	@Override
	public String[] getVersion() throws IOException {
		Properties properties = new Properties();
		try (InputStream in = VersionProvider.class.getResourceAsStream("version.properties")) {
			if (in != null) {
				properties.load(in);
			}
		}
		return new String[] { "circuit-breaker " + properties.getProperty("version", "unknown") };
	}

}
