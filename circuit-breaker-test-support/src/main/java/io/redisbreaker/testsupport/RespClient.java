package io.redisbreaker.testsupport;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.jspecify.annotations.Nullable;

/**
 * A minimal blocking RESP2 client for administrative commands in tests, over plain TCP or TLS.
 *
 * <p>It exists so that test support does not depend on (and cannot be confused with) the Redis
 * client under test. Replies map to Java as follows: simple and bulk strings to {@link String}
 * (decoded as UTF-8), integers to {@link Long}, arrays to {@code List<Object>}, null bulk strings
 * and null arrays to {@code null}. A top-level error reply throws {@link RespErrorException}; an
 * error nested in an array (e.g. inside an {@code EXEC} reply) is returned as a {@code
 * RespErrorException} element instead of being thrown.
 *
 * <p>I/O failures, including read timeouts, throw {@link UncheckedIOException}. After one, the
 * client no longer knows where the reply stream stands, so it refuses further commands: open a new
 * one. Not thread-safe.
 */
public final class RespClient implements AutoCloseable {

	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

	private final Socket socket;
	private final InputStream in;
	private final OutputStream out;
	private final String address;
	private boolean broken;

	public RespClient(String host, int port) {
		this(host, port, null, DEFAULT_TIMEOUT);
	}

	/** Connects and, when {@code password} is not null, sends {@code AUTH password}. */
	public RespClient(String host, int port, @Nullable String password) {
		this(host, port, password, DEFAULT_TIMEOUT);
	}

	/**
	 * Connects and, when {@code password} is not null, sends {@code AUTH password}.
	 *
	 * @param timeout used both as connect timeout and as read timeout ({@code SO_TIMEOUT})
	 */
	public RespClient(String host, int port, @Nullable String password, Duration timeout) {
		this(host, port, null, password, timeout, null);
	}

	/**
	 * Connects, over TLS when {@code tls} is not null, and authenticates when {@code password} is not
	 * null: {@code AUTH username password} for an ACL user, {@code AUTH password} for the default user.
	 *
	 * @param timeout used as connect timeout, for the TLS handshake and as read timeout ({@code
	 *     SO_TIMEOUT})
	 * @param tls connects through this factory and checks that the server's certificate is for {@code
	 *     host}, as a client that verifies its peer would
	 */
	public RespClient(String host, int port, @Nullable String username, @Nullable String password,
			Duration timeout, @Nullable SSLSocketFactory tls) {
		if (username != null && password == null) {
			throw new IllegalArgumentException("A username (" + username + ") needs a password");
		}
		this.address = host + ":" + port;
		Socket s = new Socket();
		try {
			s.setTcpNoDelay(true);
			s.connect(new InetSocketAddress(host, port), timeoutMillis(timeout));
			s.setSoTimeout(timeoutMillis(timeout));
			if (tls != null) {
				s = handshake(tls, s, host, port);
			}
			this.socket = s;
			this.in = new BufferedInputStream(s.getInputStream());
			this.out = new BufferedOutputStream(s.getOutputStream());
		} catch (IOException e) {
			closeQuietly(s);
			throw new UncheckedIOException("Cannot connect to Redis at " + address
					+ (tls != null ? " over TLS" : "") + ": " + e, e);
		}
		if (password != null) {
			try {
				if (username != null) {
					command("AUTH", username, password);
				} else {
					command("AUTH", password);
				}
			} catch (RuntimeException e) {
				close();
				throw e;
			}
		}
	}

	private static Socket handshake(SSLSocketFactory tls, Socket plain, String host, int port)
			throws IOException {
		SSLSocket secure = (SSLSocket) tls.createSocket(plain, host, port, true);
		SSLParameters parameters = secure.getSSLParameters();
		parameters.setEndpointIdentificationAlgorithm("HTTPS");
		secure.setSSLParameters(parameters);
		try {
			secure.startHandshake();
		} catch (IOException e) {
			closeQuietly(secure);
			throw e;
		}
		return secure;
	}

	/**
	 * Sends one command and returns its reply.
	 *
	 * @return a {@link String}, {@link Long}, {@code List<Object>} or {@code null}
	 * @throws RespErrorException when the server answers with an error
	 * @throws UncheckedIOException on I/O failure or read timeout
	 */
	public @Nullable Object command(String... args) {
		if (args.length == 0) {
			throw new IllegalArgumentException("A command needs at least a name");
		}
		if (broken) {
			throw new IllegalStateException(
					"This client to " + address + " failed earlier and its reply stream is out of sync");
		}
		try {
			write(args);
			Object reply = read();
			if (reply instanceof RespErrorException error) {
				// A fresh exception so the stack trace shows the caller, not the parser.
				throw new RespErrorException(error.getMessage());
			}
			return reply;
		} catch (IOException e) {
			broken = true;
			throw new UncheckedIOException(
					"Redis command " + args[0] + " to " + address + " failed: " + e, e);
		}
	}

	/** Like {@link #command} but expects a string (or null) reply. */
	public @Nullable String commandString(String... args) {
		Object reply = command(args);
		if (reply == null || reply instanceof String) {
			return (String) reply;
		}
		throw new IllegalStateException(
				"Expected a string reply to " + args[0] + " but got " + reply.getClass().getSimpleName());
	}

	/** Changes the read timeout ({@code SO_TIMEOUT}) for subsequent commands. */
	public void setTimeout(Duration timeout) {
		try {
			socket.setSoTimeout(timeoutMillis(timeout));
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	public boolean isClosed() {
		return socket.isClosed();
	}

	@Override
	public void close() {
		closeQuietly(socket);
	}

	private void write(String[] args) throws IOException {
		ByteArrayOutputStream buffer = new ByteArrayOutputStream();
		buffer.write(('*' + Integer.toString(args.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
		for (String arg : args) {
			byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
			buffer.write(('$' + Integer.toString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
			buffer.write(bytes);
			buffer.write('\r');
			buffer.write('\n');
		}
		buffer.writeTo(out);
		out.flush();
	}

	private @Nullable Object read() throws IOException {
		int type = in.read();
		if (type < 0) {
			throw new EOFException("Connection closed by the server");
		}
		String line = readLine();
		switch (type) {
			case '+':
				return line;
			case '-':
				return new RespErrorException(line);
			case ':':
				return Long.parseLong(line);
			case '$': {
				int length = Integer.parseInt(line);
				if (length < 0) {
					return null;
				}
				byte[] bytes = in.readNBytes(length);
				if (bytes.length < length) {
					throw new EOFException("Connection closed in the middle of a bulk string");
				}
				readCrLf();
				return new String(bytes, StandardCharsets.UTF_8);
			}
			case '*': {
				int count = Integer.parseInt(line);
				if (count < 0) {
					return null;
				}
				List<@Nullable Object> items = new ArrayList<>(count);
				for (int i = 0; i < count; i++) {
					items.add(read());
				}
				return items;
			}
			default:
				throw new IOException("Unexpected RESP type byte '" + (char) type + "' from " + address);
		}
	}

	private String readLine() throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		while (true) {
			int b = in.read();
			if (b < 0) {
				throw new EOFException("Connection closed in the middle of a reply");
			}
			if (b == '\r') {
				int next = in.read();
				if (next != '\n') {
					throw new IOException("Malformed RESP line ending from " + address);
				}
				return line.toString(StandardCharsets.UTF_8);
			}
			line.write(b);
		}
	}

	private void readCrLf() throws IOException {
		if (in.read() != '\r' || in.read() != '\n') {
			throw new IOException("Malformed RESP bulk string ending from " + address);
		}
	}

	private static int timeoutMillis(Duration timeout) {
		long millis = timeout.toMillis();
		if (millis <= 0) {
			throw new IllegalArgumentException("Timeout must be positive: " + timeout);
		}
		return (int) Math.min(Integer.MAX_VALUE, millis);
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		} catch (IOException ignored) {
			// Nothing useful to do in tests.
		}
	}
}
