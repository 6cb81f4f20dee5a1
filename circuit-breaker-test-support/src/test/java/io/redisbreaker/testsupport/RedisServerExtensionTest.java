package io.redisbreaker.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

@WithRedisServer
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisServerExtensionTest {

	private static RedisServer fromBeforeAll;
	private final RedisServer fromConstructor;

	RedisServerExtensionTest(RedisServer server) {
		this.fromConstructor = server;
	}

	@BeforeAll
	static void remember(RedisServer server) {
		fromBeforeAll = server;
	}

	@Test
	@Order(1)
	void injectsOneServerPerClass(RedisServer server) {
		assertThat(server).isSameAs(fromConstructor).isSameAs(fromBeforeAll);
		assertThat(server.isRunning()).isTrue();
		assertThat(server.port()).isNotEqualTo(6379);
		server.command("SET", "leftover", "1");
	}

	@Test
	@Order(2)
	void flushesBeforeEachTest(RedisServer server) {
		assertThat(server.command("GET", "leftover")).isNull();
		server.command("SET", "leftover", "2");
		server.kill();
	}

	@Test
	@Order(3)
	void restartsAServerATestKilled(RedisServer server) {
		assertThat(server.isRunning()).isTrue();
		assertThat(server.command("DBSIZE")).isEqualTo(0L);
	}

	@Nested
	class NestedTests {

		@Test
		void sharesTheEnclosingServer(RedisServer server) {
			assertThat(server).isSameAs(fromBeforeAll);
			assertThat(server.command("DBSIZE")).isEqualTo(0L);
		}
	}

	@Nested
	@WithRedisServer(args = {"--requirepass", "nested"})
	class NestedWithOwnArgs {

		@Test
		void stillSharesTheEnclosingServer(RedisServer server) {
			// The enclosing class's server already exists; nested classes share it.
			assertThat(server).isSameAs(fromBeforeAll);
		}
	}
}
