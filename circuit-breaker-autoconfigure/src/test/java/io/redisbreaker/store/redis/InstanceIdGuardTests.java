package io.redisbreaker.store.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.redisbreaker.testsupport.Await;
import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.WithRedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two live instances with the same configured instance id are reported, by both of them; a key left
 * over by an earlier run of the same instance is not, and is taken over once it expires.
 */
@WithRedisServer
@ExtendWith(OutputCaptureExtension.class)
class InstanceIdGuardTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final Duration REFRESH = Duration.ofMillis(100);

	private static final Duration TTL = Duration.ofMillis(500);

	private static final String KEY = "cb:instance:shop-1";

	private final List<InstanceIdGuard> guards = new ArrayList<>();

	private final List<LettuceConnectionFactory> factories = new ArrayList<>();

	@AfterEach
	void close() {
		this.guards.forEach(InstanceIdGuard::stop);
		this.factories.forEach(LettuceConnectionFactory::destroy);
	}

	@Test
	void twoLiveInstancesWithTheSameIdBothReportIt(RedisServer server, CapturedOutput output) {
		InstanceIdGuard first = guard(server, "shop-1");
		first.start();
		Await.until(WAIT, () -> first.refreshes() > 0, "the first instance to hold its key");
		Object firstToken = server.command("HGET", KEY, "token");
		InstanceIdGuard second = guard(server, "shop-1");
		second.start();

		Await.until(WAIT, () -> first.isDuplicate() && second.isDuplicate(), "both instances to notice the duplicate");
		// Each logs just after it notices.
		List<String> errors = Await.value(WAIT, () -> errors(output), (lines) -> lines.size() >= 2,
				"both instances to log the duplicate");
		assertThat(errors).hasSize(2)
			.allSatisfy((line) -> assertThat(line).contains("same circuitbreaker.instance-id 'shop-1'")
				.contains(KEY)
				.contains("unique circuitbreaker.instance-id")
				.contains("leave circuitbreaker.instance-id unset"));
		// The first keeps its key; the second never took it over.
		assertThat(firstToken).isNotNull();
		assertThat(server.command("HGET", KEY, "token")).isEqualTo(firstToken);
	}

	@Test
	void aKeyLeftOverByAnEarlierRunIsTakenOverWithoutAnError(RedisServer server, CapturedOutput output) {
		// As a killed instance leaves it: held by a token nobody refreshes any more.
		server.command("HSET", KEY, "token", "earlier-run");
		server.command("PEXPIRE", KEY, Long.toString(TTL.toMillis()));
		InstanceIdGuard restarted = guard(server, "shop-1");
		restarted.start();

		Await.until(WAIT, () -> {
			Object token = server.command("HGET", KEY, "token");
			return token != null && !token.equals("earlier-run");
		}, "the restarted instance to take its key over");
		long refreshed = restarted.refreshes();
		Await.until(WAIT, () -> restarted.refreshes() > refreshed + 2, "a few more refreshes");
		assertThat(restarted.isDuplicate()).isFalse();
		assertThat(errors(output)).isEmpty();
	}

	@Test
	void differentIdsAreNotReported(RedisServer server, CapturedOutput output) {
		InstanceIdGuard first = guard(server, "shop-1");
		InstanceIdGuard second = guard(server, "shop-2");
		first.start();
		second.start();
		// Past the key lifetime, when a contender would report a duplicate.
		long enough = TTL.toMillis() / REFRESH.toMillis() + 3;
		Await.until(WAIT, () -> first.refreshes() > enough && second.refreshes() > enough, "refreshes past the TTL");
		assertThat(first.isDuplicate()).isFalse();
		assertThat(second.isDuplicate()).isFalse();
		assertThat(errors(output)).isEmpty();
	}

	@Test
	void stoppingReleasesTheKeySoARestartTakesItAtOnce(RedisServer server, CapturedOutput output) {
		InstanceIdGuard first = guard(server, "shop-1");
		first.start();
		Await.until(WAIT, () -> first.refreshes() > 0, "the instance to hold its key");
		assertThat(server.command("EXISTS", KEY)).isEqualTo(1L);
		first.stop();
		assertThat(server.command("EXISTS", KEY)).isEqualTo(0L);

		InstanceIdGuard restarted = guard(server, "shop-1");
		restarted.start();
		Await.until(WAIT, () -> restarted.refreshes() > 2, "a few refreshes of the restarted instance");
		assertThat(restarted.isDuplicate()).isFalse();
		assertThat(errors(output)).isEmpty();
	}

	private InstanceIdGuard guard(RedisServer server, String instanceId) {
		// A client of its own per instance.
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(server.host(), server.port()));
		factory.afterPropertiesSet();
		factory.start();
		this.factories.add(factory);
		InstanceIdGuard guard = new InstanceIdGuard(factory, new BreakerKeys("cb:"), instanceId, REFRESH, TTL);
		this.guards.add(guard);
		return guard;
	}

	private static List<String> errors(CapturedOutput output) {
		return output.getAll().lines().filter((line) -> line.contains(" ERROR ") && line.contains("InstanceIdGuard")).toList();
	}

}
