package io.redisbreaker.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.LinkedHashSet;
import java.util.Set;

/** Free loopback ports. */
final class Ports {

	static final String LOOPBACK = "127.0.0.1";

	/** A developer's own Redis usually listens here; tests must never talk to it. */
	static final int DEFAULT_REDIS_PORT = 6379;

	// The kernel may hand out a port again as soon as the probe socket closes, before the server
	// that was given it has bound it; remembering recent ports keeps two servers from racing.
	private static final int REMEMBERED = 4096;
	private static final Set<Integer> recentlyHandedOut = new LinkedHashSet<>();

	private Ports() {}

	static synchronized int free() {
		for (int attempt = 0; attempt < 1000; attempt++) {
			int port;
			try (ServerSocket probe = new ServerSocket()) {
				probe.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), 0));
				port = probe.getLocalPort();
			} catch (IOException e) {
				throw new UncheckedIOException("Cannot find a free loopback port", e);
			}
			if (port == DEFAULT_REDIS_PORT || !recentlyHandedOut.add(port)) {
				continue;
			}
			if (recentlyHandedOut.size() > REMEMBERED) {
				Integer oldest = recentlyHandedOut.iterator().next();
				recentlyHandedOut.remove(oldest);
			}
			return port;
		}
		throw new IllegalStateException("No free loopback port found");
	}

	/** Whether something accepts TCP connections on {@code host:port} right now. */
	static boolean isListening(String host, int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host, port), 200);
			return true;
		} catch (IOException e) {
			return false;
		}
	}
}
