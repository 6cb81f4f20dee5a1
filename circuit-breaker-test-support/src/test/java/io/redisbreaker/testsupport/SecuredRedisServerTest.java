package io.redisbreaker.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SecuredRedisServerTest {

	private static TestCertificates certificates;

	@BeforeAll
	static void makeCertificates() {
		certificates = TestCertificates.create();
	}

	@Test
	void aTlsServerSpeaksTlsOnlyAndItsOwnClientsFollow() {
		try (RedisServer server = RedisServer.options().tls(certificates, false).startProcess()) {
			assertThat(server.isTls()).isTrue();
			assertThat(server.uri()).isEqualTo("rediss://127.0.0.1:" + server.port());
			assertThat(server.command("PING")).isEqualTo("PONG");
			assertThat(server.command("CONFIG", "GET", "port")).as("no plain port").isEqualTo(List.of("port", "0"));
			// A client trusting the authority connects; a plain one is dropped at its first command.
			try (RespClient client = new RespClient(server.host(), server.port(), null, null, Duration.ofSeconds(5),
					certificates.clientContext(false).getSocketFactory())) {
				assertThat(client.command("PING")).isEqualTo("PONG");
			}
			try (RespClient plain = new RespClient(server.host(), server.port())) {
				assertThatThrownBy(() -> plain.command("PING")).isInstanceOf(UncheckedIOException.class);
			}
			// Restarts keep TLS on the same port.
			server.stop();
			server.start();
			assertThat(server.command("PING")).isEqualTo("PONG");
		}
	}

	@Test
	void aServerThatRequiresClientCertificatesRefusesClientsWithout() {
		try (RedisServer server = RedisServer.options().tls(certificates, true).startProcess()) {
			assertThat(server.command("PING")).as("the support's own client presents a certificate").isEqualTo("PONG");
			try (RespClient client = new RespClient(server.host(), server.port(), null, null, Duration.ofSeconds(5),
					certificates.clientContext(true).getSocketFactory())) {
				assertThat(client.command("PING")).isEqualTo("PONG");
			}
			assertThatThrownBy(() -> {
				try (RespClient anonymous = new RespClient(server.host(), server.port(), null, null,
						Duration.ofSeconds(5), certificates.clientContext(false).getSocketFactory())) {
					// TLS 1.3 reports a refused client certificate on the first read, not in the handshake.
					anonymous.command("PING");
				}
			}).isInstanceOf(UncheckedIOException.class);
		}
	}

	@Test
	void aClientThatDoesNotTrustTheAuthorityFailsTheHandshake() {
		try (RedisServer server = RedisServer.options().tls(certificates, false).startProcess()) {
			assertThatThrownBy(() -> new RespClient(server.host(), server.port(), null, null, Duration.ofSeconds(5),
					javax.net.ssl.SSLContext.getDefault().getSocketFactory()))
				.isInstanceOf(UncheckedIOException.class)
				.hasCauseInstanceOf(SSLHandshakeException.class)
				.hasMessageContaining("over TLS");
		}
	}

	@Test
	void aclUsersAndThePasswordOfTheDefaultUser() {
		try (RedisServer server = RedisServer.options()
			.requirePass("admin")
			.user("reader", "on >pw ~allowed:* +get +ping")
			.startProcess()) {
			assertThat(server.password()).isEqualTo("admin");
			server.command("SET", "allowed:k", "v");
			try (RespClient reader = server.client("reader", "pw")) {
				assertThat(reader.command("GET", "allowed:k")).isEqualTo("v");
				assertThatThrownBy(() -> reader.command("GET", "other")).isInstanceOf(RespErrorException.class)
					.hasMessageStartingWith("NOPERM");
				assertThatThrownBy(() -> reader.command("SET", "allowed:k", "w")).isInstanceOf(RespErrorException.class)
					.hasMessageContaining("'set'");
			}
			assertThatThrownBy(() -> server.client("reader", "wrong")).isInstanceOf(RespErrorException.class)
				.hasMessageStartingWith("WRONGPASS");
		}
	}

	@Test
	void tlsAndAclTogether() {
		try (RedisServer server = RedisServer.options()
			.requirePass("admin")
			.user("breaker", "on >pw ~cb:* +ping +hset")
			.tls(certificates, false)
			.startProcess(); RespClient breaker = server.client("breaker", "pw")) {
			assertThat(breaker.command("HSET", "cb:{x}", "state", "OPEN")).isEqualTo(1L);
			assertThat(server.command("HGET", "cb:{x}", "state")).isEqualTo("OPEN");
		}
	}

	@Test
	void badOptionsAreRefusedNamingThem() {
		assertThatIllegalArgumentException().isThrownBy(() -> RedisServer.options().user("two words", "on"))
			.withMessageContaining("'two words'");
		assertThatIllegalArgumentException().isThrownBy(() -> RedisServer.options().user("u", " "))
			.withMessageContaining("'u' needs rules");
		assertThatIllegalArgumentException().isThrownBy(() -> RedisServer.options().user("u", "on --port"))
			.withMessageContaining("'--port'");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RedisServer.startProcess("--tls-cert-file", certificates.serverCertificate().toString()))
			.withMessageContaining("--tls-key-file and --tls-ca-cert-file");
	}

	@Test
	void containersRefuseTlsClearly() {
		// Refused before any container is started, so this holds without Docker too.
		assertThatThrownBy(() -> RedisServer.options().tls(certificates, false).startContainer())
			.isInstanceOf(UnsupportedOperationException.class)
			.hasMessageContaining("--tls-cert-file")
			.hasMessageContaining("process");
	}
}
