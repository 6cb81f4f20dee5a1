package io.redisbreaker.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisServerTest {

	@Test
	void stopsAndRestartsOnTheSamePort() {
		try (RedisServer server = RedisServer.startProcess()) {
			int port = server.port();
			assertThat(port).isNotEqualTo(6379);
			assertThat(server.uri()).isEqualTo("redis://127.0.0.1:" + port);
			server.command("SET", "k", "v");

			server.stop();
			assertThat(server.isRunning()).isFalse();
			assertThatThrownBy(() -> new RespClient(server.host(), port).close())
					.isInstanceOf(UncheckedIOException.class);
			server.stop(); // idempotent

			server.start();
			assertThat(server.isRunning()).isTrue();
			assertThat(server.port()).isEqualTo(port);
			assertThat(server.command("PING")).isEqualTo("PONG");
			assertThat(server.command("GET", "k")).as("no persistence").isNull();
			assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
		}
	}

	@Test
	void killDropsOpenConnections() {
		try (RedisServer server = RedisServer.startProcess();
				RespClient client = server.client()) {
			assertThat(client.command("PING")).isEqualTo("PONG");
			server.kill();
			assertThat(server.isRunning()).isFalse();
			assertThatThrownBy(() -> client.command("PING")).isInstanceOf(UncheckedIOException.class);
			assertThatThrownBy(() -> new RespClient(server.host(), server.port()).close())
					.isInstanceOf(UncheckedIOException.class);
			server.start();
			assertThat(server.command("PING")).isEqualTo("PONG");
		}
	}

	@Test
	void serversGetDifferentPorts() {
		try (RedisServer a = RedisServer.launch(); RedisServer b = RedisServer.launch()) {
			assertThat(a.port()).isNotEqualTo(b.port()).isNotEqualTo(6379);
			assertThat(b.port()).isNotEqualTo(6379);
			a.command("SET", "who", "a");
			assertThat(b.command("GET", "who")).isNull();
		}
	}

	@Test
	void requirepassRejectsUnauthenticatedCommands() {
		try (RedisServer server = RedisServer.start("--requirepass", "s3cret");
				RespClient anonymous = new RespClient(server.host(), server.port())) {
			assertThat(server.password()).isEqualTo("s3cret");
			assertThatThrownBy(() -> anonymous.command("GET", "x"))
					.isInstanceOfSatisfying(RespErrorException.class,
							e -> assertThat(e.code()).isEqualTo("NOAUTH"));
			assertThatThrownBy(() -> new RespClient(server.host(), server.port(), "wrong"))
					.isInstanceOf(RespErrorException.class);
			assertThat(server.command("PING")).as("client() authenticates").isEqualTo("PONG");
		}
	}

	@Test
	void restartKeepsPasswordAndDebugIsEnabled() {
		try (RedisServer server = RedisServer.startProcess("--requirepass", "pw")) {
			assertThat(server.command("DEBUG", "SLEEP", "0")).isEqualTo("OK");
			server.stop();
			assertThat(server.logTail(20)).as("SHUTDOWN was authenticated, no SIGTERM fallback")
					.contains("User requested shutdown").doesNotContain("SIGTERM");
			server.start();
			assertThat(server.command("CONFIG", "GET", "save")).isEqualTo(List.of("save", ""));
			assertThat(server.command("CONFIG", "GET", "appendonly")).isEqualTo(List.of("appendonly", "no"));
			assertThat(server.command("CONFIG", "GET", "bind")).isEqualTo(List.of("bind", "127.0.0.1"));
		}
	}

	@Test
	void respClientMapsReplyTypes() {
		try (RedisServer server = RedisServer.launch(); RespClient client = server.client()) {
			assertThat(client.command("SET", "k", "välue")).isEqualTo("OK");
			assertThat(client.command("GET", "k")).isEqualTo("välue");
			assertThat(client.command("GET", "missing")).isNull();
			assertThat(client.command("INCR", "n")).isEqualTo(1L);
			assertThat(client.command("RPUSH", "l", "a", "b")).isEqualTo(2L);
			assertThat(client.command("LRANGE", "l", "0", "-1")).isEqualTo(List.of("a", "b"));
			assertThatThrownBy(() -> client.command("NOSUCHCOMMAND"))
					.isInstanceOfSatisfying(RespErrorException.class, e -> {
						assertThat(e.code()).isEqualTo("ERR");
						assertThat(e.getMessage()).contains("unknown command");
					});
			// An error nested in EXEC is returned, not thrown.
			client.command("MULTI");
			client.command("INCR", "k");
			client.command("INCR", "n");
			Object exec = client.command("EXEC");
			assertThat(exec).isInstanceOfSatisfying(List.class, list -> assertThat(list).hasSize(2));
			assertThat(((List<?>) exec).get(0)).isInstanceOf(RespErrorException.class);
			assertThat(((List<?>) exec).get(1)).isEqualTo(2L);
			assertThat(client.command("PING")).isEqualTo("PONG");
		}
	}

	@Test
	void readTimeoutBreaksTheClient() {
		try (RedisServer server = RedisServer.startProcess();
				RespClient client = new RespClient(server.host(), server.port(), null,
						Duration.ofMillis(200))) {
			assertThatThrownBy(() -> client.command("DEBUG", "SLEEP", "1"))
					.isInstanceOf(UncheckedIOException.class);
			assertThatThrownBy(() -> client.command("PING")).isInstanceOf(IllegalStateException.class);
		}
	}

	@Test
	void startsWhenAuthIsConfiguredInAWayItCannotSee() {
		try (RedisServer server =
				RedisServer.startProcess("--user", "default", "on", ">pw", "~*", "&*", "+@all")) {
			assertThat(server.password()).isNull();
			try (RespClient client = new RespClient(server.host(), server.port(), "pw")) {
				assertThat(client.command("PING")).isEqualTo("PONG");
			}
			server.stop(); // SHUTDOWN is refused (NOAUTH), so this falls back to SIGTERM
			assertThat(server.isRunning()).isFalse();
		}
	}

	@Test
	void logTailShowsTheServerLog() {
		try (RedisServer server = RedisServer.startProcess()) {
			assertThat(server.logTail(50)).contains("Ready to accept connections");
		}
	}

	@Test
	void badArgumentsFailWithTheLog() {
		assertThatThrownBy(() -> RedisServer.startProcess("--no-such-option", "1"))
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("no-such-option");
	}
}
