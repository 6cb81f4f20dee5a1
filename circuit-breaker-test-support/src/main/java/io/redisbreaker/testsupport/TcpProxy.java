package io.redisbreaker.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * An in-process TCP proxy on a free loopback port, for injecting network faults between a client
 * and a server.
 *
 * <ul>
 *   <li>{@link #setTarget} affects new connections only, like a DNS name moved by a failover:
 *       clients that stay connected keep talking to the old server.
 *   <li>{@link #blackhole()} stops forwarding in both directions without closing anything, like a
 *       silently dropped network path: writes succeed, reads time out. Bytes (including a FIN
 *       from either side) are held, not discarded, and flow on {@link #resume()}, as TCP
 *       retransmission would deliver them once the path heals. New connections are still
 *       accepted while blackholed (the kernel completes the handshake) but carry no data.
 *   <li>{@link #resetAll()} aborts every open connection with a TCP RST.
 *   <li>{@link #delay(Duration)} holds every chunk of data for a while before forwarding it, in
 *       both directions, like a slow or distant network path: a request and its reply each wait once.
 * </ul>
 *
 * <p>Uses two daemon threads per connection; meant for a handful of connections in tests.
 */
public final class TcpProxy implements AutoCloseable {

	private static final int CONNECT_TIMEOUT_MILLIS = 5000;
	private static final AtomicInteger ids = new AtomicInteger();

	private final ServerSocket serverSocket;
	private final Set<Link> links = ConcurrentHashMap.newKeySet();
	private final Object forwarding = new Object();
	private final int id = ids.incrementAndGet();
	private volatile Target target;
	private boolean blackholed; // guarded by forwarding
	private volatile boolean closed;
	private volatile long delayNanos;

	private TcpProxy(String targetHost, int targetPort) {
		this.target = new Target(targetHost, targetPort);
		try {
			serverSocket = new ServerSocket();
			serverSocket.bind(new InetSocketAddress(InetAddress.getByName(Ports.LOOPBACK), 0));
		} catch (IOException e) {
			throw new UncheckedIOException("Cannot open the proxy's listening socket", e);
		}
		Thread acceptor = new Thread(this::acceptLoop, "tcp-proxy-" + id + "-accept");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	/**
	 * Delays each forwarded chunk by {@code oneWay} in each direction (so a round trip takes twice
	 * that); {@link Duration#ZERO} forwards at once again. Applies to open and new connections.
	 */
	public void delay(Duration oneWay) {
		delayNanos = oneWay.toNanos();
	}

	/** Starts a proxy forwarding to {@code targetHost:targetPort}. */
	public static TcpProxy start(String targetHost, int targetPort) {
		return new TcpProxy(targetHost, targetPort);
	}

	/** Starts a proxy forwarding to {@code server}. */
	public static TcpProxy start(RedisServer server) {
		return new TcpProxy(server.host(), server.port());
	}

	/** The address clients connect to: always {@code 127.0.0.1}. */
	public String host() {
		return Ports.LOOPBACK;
	}

	public int port() {
		return serverSocket.getLocalPort();
	}

	/** {@code redis://127.0.0.1:port} of the proxy. */
	public String uri() {
		return "redis://" + host() + ":" + port();
	}

	/** Where new connections go; open connections stay where they are. */
	public void setTarget(String host, int port) {
		target = new Target(host, port);
	}

	/** {@link #setTarget(String, int)} to {@code server}'s address. */
	public void setTarget(RedisServer server) {
		setTarget(server.host(), server.port());
	}

	public String targetHost() {
		return target.host;
	}

	public int targetPort() {
		return target.port;
	}

	/** Holds all bytes in both directions on all connections, without closing any. */
	public void blackhole() {
		synchronized (forwarding) {
			blackholed = true;
		}
	}

	/**
	 * Silently drops the connections open now: they stay open on both sides but carry no more bytes,
	 * like connections whose NAT or load-balancer entry vanished. New connections work normally.
	 */
	public void dropExisting() {
		for (Link link : List.copyOf(links)) {
			link.dropped = true;
		}
	}

	/** Undoes {@link #blackhole()}: held bytes flow again. */
	public void resume() {
		synchronized (forwarding) {
			blackholed = false;
			forwarding.notifyAll();
		}
	}

	public boolean isBlackholed() {
		synchronized (forwarding) {
			return blackholed;
		}
	}

	/** Aborts every open connection with a TCP RST on both sides (SO_LINGER 0). */
	public void resetAll() {
		for (Link link : List.copyOf(links)) {
			link.close(true);
		}
	}

	/** Connections currently open through the proxy. */
	public int connectionCount() {
		return links.size();
	}

	/** Stops accepting and closes every open connection. */
	@Override
	public void close() {
		closed = true;
		try {
			serverSocket.close();
		} catch (IOException ignored) {
			// Closing anyway.
		}
		for (Link link : List.copyOf(links)) {
			link.close(false);
		}
	}

	@Override
	public String toString() {
		return "TcpProxy[" + host() + ":" + port() + " -> " + target.host + ":" + target.port + "]";
	}

	private void acceptLoop() {
		int connection = 0;
		while (!closed) {
			Socket client;
			try {
				client = serverSocket.accept();
			} catch (IOException e) {
				return; // closed
			}
			Link link = new Link(client, target);
			links.add(link);
			if (closed) {
				link.close(false);
				return;
			}
			connection++;
			daemon(link::connectAndPump, "tcp-proxy-" + id + "-conn-" + connection + "-up").start();
		}
	}

	private static Thread daemon(Runnable task, String name) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		return thread;
	}

	/** Waits while blackholed, unless the link is closed meanwhile. */
	private void awaitForwarding(Link link) {
		synchronized (forwarding) {
			while ((blackholed || link.dropped) && !link.closed && !closed) {
				try {
					forwarding.wait();
				} catch (InterruptedException e) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}

	private void wakeWaiters() {
		synchronized (forwarding) {
			forwarding.notifyAll();
		}
	}

	private static final class Target {
		final String host;
		final int port;

		Target(String host, int port) {
			this.host = host;
			this.port = port;
		}
	}

	private final class Link {
		private final Socket client;
		private final Target target;
		private @Nullable Socket upstream; // guarded by this
		volatile boolean closed;
		volatile boolean dropped;

		Link(Socket client, Target target) {
			this.client = client;
			this.target = target;
		}

		void connectAndPump() {
			Socket server = new Socket();
			try {
				client.setTcpNoDelay(true);
				server.setTcpNoDelay(true);
				server.connect(new InetSocketAddress(target.host, target.port), CONNECT_TIMEOUT_MILLIS);
			} catch (IOException e) {
				closeQuietly(server, false);
				close(true); // the client sees a reset, as if the target had refused it
				return;
			}
			synchronized (this) {
				if (closed) {
					closeQuietly(server, false);
					return;
				}
				upstream = server;
			}
			daemon(() -> pump(server, client), Thread.currentThread().getName().replace("-up", "-down"))
					.start();
			pump(client, server);
		}

		private void pump(Socket from, Socket to) {
			byte[] buffer = new byte[16 * 1024];
			try {
				InputStream in = from.getInputStream();
				OutputStream out = to.getOutputStream();
				int n;
				while ((n = in.read(buffer)) >= 0) {
					awaitForwarding(this);
					holdFor(delayNanos);
					if (closed) {
						return;
					}
					out.write(buffer, 0, n);
					out.flush();
				}
			} catch (IOException e) {
				// The connection ended; fall through and end the other direction too.
			}
			// Even an end of stream is held while blackholed: a dropped path carries no FIN either.
			awaitForwarding(this);
			close(false);
		}

		void close(boolean reset) {
			Socket server;
			synchronized (this) {
				if (closed) {
					return;
				}
				closed = true;
				server = upstream;
			}
			links.remove(this);
			closeQuietly(client, reset);
			if (server != null) {
				closeQuietly(server, reset);
			}
			wakeWaiters();
		}
	}

	private static void holdFor(long nanos) {
		long deadline = System.nanoTime() + nanos;
		long left;
		while (nanos > 0 && (left = deadline - System.nanoTime()) > 0) {
			java.util.concurrent.locks.LockSupport.parkNanos(left);
		}
	}

	private static void closeQuietly(Socket socket, boolean reset) {
		try {
			if (reset && !socket.isClosed()) {
				socket.setSoLinger(true, 0);
			}
			socket.close();
		} catch (IOException ignored) {
			// Already gone.
		}
	}
}
