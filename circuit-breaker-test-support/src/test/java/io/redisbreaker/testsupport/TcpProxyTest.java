package io.redisbreaker.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TcpProxyTest {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static RedisServer a;
	private static RedisServer b;

	@BeforeAll
	static void startServers() {
		a = RedisServer.startProcess();
		b = RedisServer.startProcess();
		a.command("SET", "who", "a");
		b.command("SET", "who", "b");
	}

	@AfterAll
	static void stopServers() {
		a.close();
		b.close();
	}

	@Test
	void forwards() {
		try (TcpProxy proxy = TcpProxy.start(a);
				RespClient client = new RespClient(proxy.host(), proxy.port())) {
			assertThat(proxy.port()).isNotEqualTo(a.port()).isNotEqualTo(6379);
			assertThat(proxy.uri()).isEqualTo("redis://127.0.0.1:" + proxy.port());
			assertThat(client.command("GET", "who")).isEqualTo("a");
			assertThat(client.command("ECHO", "x".repeat(100_000))).isEqualTo("x".repeat(100_000));
			assertThat(proxy.connectionCount()).isEqualTo(1);
		}
	}

	@Test
	void blackholeHoldsBytesWithoutClosingAndResumeDeliversThem() throws IOException {
		try (TcpProxy proxy = TcpProxy.start(a);
				Socket socket = new Socket(proxy.host(), proxy.port())) {
			socket.setSoTimeout(300);
			InputStream in = socket.getInputStream();
			send(socket, "PING\r\n");
			assertThat(readLine(in)).isEqualTo("+PONG");

			proxy.blackhole();
			assertThat(proxy.isBlackholed()).isTrue();
			send(socket, "PING\r\n");
			assertThatThrownBy(in::read).isInstanceOf(SocketTimeoutException.class);
			assertThat(socket.isClosed()).isFalse();
			assertThat(proxy.connectionCount()).isEqualTo(1);
			// A blackholed client library times out the same way.
			try (RespClient client = new RespClient(proxy.host(), proxy.port(), null,
					Duration.ofMillis(300))) {
				assertThatThrownBy(() -> client.command("PING"))
						.isInstanceOf(UncheckedIOException.class)
						.hasCauseInstanceOf(SocketTimeoutException.class);
			}

			proxy.resume();
			socket.setSoTimeout((int) TIMEOUT.toMillis());
			assertThat(readLine(in)).as("the held reply arrives").isEqualTo("+PONG");
			send(socket, "PING\r\n");
			assertThat(readLine(in)).isEqualTo("+PONG");
			try (RespClient client = new RespClient(proxy.host(), proxy.port())) {
				assertThat(client.command("GET", "who")).isEqualTo("a");
			}
		}
	}

	@Test
	void dropExistingSilencesOpenConnectionsWhileNewOnesWork() {
		try (TcpProxy proxy = TcpProxy.start(a);
				RespClient old = new RespClient(proxy.host(), proxy.port(), null, Duration.ofMillis(300))) {
			assertThat(old.command("PING")).isEqualTo("PONG");
			proxy.dropExisting();
			assertThatThrownBy(() -> old.command("PING")).isInstanceOf(UncheckedIOException.class)
				.hasCauseInstanceOf(SocketTimeoutException.class);
			assertThat(proxy.connectionCount()).as("the dropped connection is still open").isEqualTo(1);
			try (RespClient fresh = new RespClient(proxy.host(), proxy.port())) {
				assertThat(fresh.command("GET", "who")).isEqualTo("a");
			}
		}
	}

	@Test
	void setTargetOnlyAffectsNewConnections() {
		try (TcpProxy proxy = TcpProxy.start(a);
				RespClient before = new RespClient(proxy.host(), proxy.port())) {
			assertThat(before.command("GET", "who")).isEqualTo("a");
			proxy.setTarget(b);
			assertThat(proxy.targetPort()).isEqualTo(b.port());
			try (RespClient after = new RespClient(proxy.host(), proxy.port())) {
				assertThat(after.command("GET", "who")).isEqualTo("b");
			}
			assertThat(before.command("GET", "who")).isEqualTo("a");
		}
	}

	@Test
	void resetAllAbortsEveryConnection() throws IOException {
		try (TcpProxy proxy = TcpProxy.start(a);
				RespClient first = new RespClient(proxy.host(), proxy.port());
				Socket raw = new Socket(proxy.host(), proxy.port())) {
			raw.setSoTimeout((int) TIMEOUT.toMillis());
			assertThat(first.command("PING")).isEqualTo("PONG");
			send(raw, "PING\r\n");
			assertThat(readLine(raw.getInputStream())).isEqualTo("+PONG");
			Await.until(TIMEOUT, () -> proxy.connectionCount() == 2, "two proxied connections");

			proxy.resetAll();

			assertThat(proxy.connectionCount()).isZero();
			assertThatThrownBy(() -> first.command("PING")).isInstanceOf(UncheckedIOException.class);
			assertThatThrownBy(() -> raw.getInputStream().read())
					.isInstanceOf(SocketException.class)
					.hasMessageContaining("reset");
			try (RespClient next = new RespClient(proxy.host(), proxy.port())) {
				assertThat(next.command("PING")).as("the proxy still accepts").isEqualTo("PONG");
			}
		}
	}

	@Test
	void connectionsEndWhenTheServerGoes() {
		try (RedisServer server = RedisServer.startProcess();
				TcpProxy proxy = TcpProxy.start(server);
				RespClient client = new RespClient(proxy.host(), proxy.port())) {
			assertThat(client.command("PING")).isEqualTo("PONG");
			server.kill();
			assertThatThrownBy(() -> client.command("PING")).isInstanceOf(UncheckedIOException.class);
			Await.until(TIMEOUT, () -> proxy.connectionCount() == 0, "the proxy to drop the connection");
			assertThatThrownBy(() -> new RespClient(proxy.host(), proxy.port()).command("PING"))
					.isInstanceOf(UncheckedIOException.class);
		}
	}

	private static void send(Socket socket, String text) throws IOException {
		socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
		socket.getOutputStream().flush();
	}

	private static String readLine(InputStream in) throws IOException {
		StringBuilder line = new StringBuilder();
		int c;
		while ((c = in.read()) != '\n') {
			if (c < 0) {
				throw new IOException("EOF");
			}
			if (c != '\r') {
				line.append((char) c);
			}
		}
		return line.toString();
	}
}
