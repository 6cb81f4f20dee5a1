package io.redisbreaker.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@WithRedisServer(args = {"--requirepass", "secret"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WithRedisServerArgsTest {

	private final RedisServer server;

	WithRedisServerArgsTest(RedisServer server) {
		this.server = server;
	}

	@Test
	void passesArgumentsAndFlushesWithThePassword() {
		assertThat(server.password()).isEqualTo("secret");
		assertThat(server.command("DBSIZE")).isEqualTo(0L);
		assertThatThrownBy(() -> new RespClient(server.host(), server.port()).command("DBSIZE"))
				.isInstanceOf(RespErrorException.class);
	}
}
