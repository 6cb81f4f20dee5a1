package io.redisbreaker.autoconfigure;

import java.util.List;

import io.redisbreaker.core.CircuitBreaker;
import io.redisbreaker.core.CircuitState;
import io.redisbreaker.core.CircuitBreakerOpenException;
import io.redisbreaker.store.FailoverBreakerStore;
import io.redisbreaker.store.redis.BreakerAcl;
import io.redisbreaker.testsupport.Await;
import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static io.redisbreaker.autoconfigure.SecuredRedis.KEYS;
import static io.redisbreaker.autoconfigure.SecuredRedis.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Redis over TLS through a Spring Boot SSL bundle ({@code spring.data.redis.ssl.bundle}), against
 * {@code redis-server}s that listen with TLS only ({@code port 0}), one of them requiring client
 * certificates: every connection the starter opens gets through, and one without TLS or without the
 * right trust is named for what it is.
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisTlsTests {

	private static TestCertificates certificates;

	private static RedisServer server;

	private static RedisServer mutualServer;

	@BeforeAll
	static void start() {
		certificates = TestCertificates.create();
		server = RedisServer.options()
			.tls(certificates, false)
			.user("breaker", "on >breaker-secret " + BreakerAcl.rules(KEYS))
			.user("deaf", "on >deaf-secret " + BreakerAcl.rules(KEYS).replace(" +publish", ""))
			.startProcess();
		mutualServer = RedisServer.options().tls(certificates, true).startProcess();
	}

	@AfterAll
	static void stop() {
		server.close();
		mutualServer.close();
	}

	@BeforeEach
	void flush() {
		server.command("FLUSHALL");
		mutualServer.command("FLUSHALL");
	}

	@Test
	void theBreakersWorkOverTlsThroughAnSslBundle() {
		SecuredRedis.tripHearAndReset(server,
				SecuredRedis.runner(server).withPropertyValues(SecuredRedis.sslBundle(certificates)));
	}

	@Test
	void anAclUserOverTls() {
		SecuredRedis.tripHearAndReset(server, SecuredRedis.runner(server)
			.withPropertyValues(SecuredRedis.sslBundle(certificates))
			.withPropertyValues("spring.data.redis.username=breaker", "spring.data.redis.password=breaker-secret"));
	}

	@Test
	void theStartupCheckRunsOverTlsToo() {
		// The server has no plain port: the check can only refuse PUBLISH if it reached Redis over TLS.
		SecuredRedis.runner(server)
			.withPropertyValues(SecuredRedis.sslBundle(certificates))
			.withPropertyValues("spring.data.redis.username=deaf", "spring.data.redis.password=deaf-secret")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure())
					.hasMessageContaining("Redis does not permit the circuit breaker's commands")
					.hasMessageContaining("refused PUBLISH (");
			});
	}

	@Test
	void aClientCertificateFromTheBundleForAServerThatRequiresOne() {
		SecuredRedis.tripHearAndReset(mutualServer, SecuredRedis.runner(mutualServer)
			.withPropertyValues(SecuredRedis.sslBundle(certificates))
			.withPropertyValues(
					"spring.ssl.bundle.pem.redis.keystore.certificate=file:" + certificates.clientCertificate(),
					"spring.ssl.bundle.pem.redis.keystore.private-key=file:" + certificates.clientKey()));
	}

	@Test
	void withoutTlsTheBreakersFollowTheFailurePolicyAndTheLogSaysWhy(CapturedOutput output) {
		assertDropped(SecuredRedis.runner(server), output, "spring.data.redis.ssl.enabled=true");
	}

	@Test
	void aClientThatDoesNotTrustTheServersAuthorityIsToldWhy(CapturedOutput output) {
		// TLS on, but no bundle: the JDK's own trust store, which does not know the test authority.
		assertDropped(SecuredRedis.runner(server).withPropertyValues("spring.data.redis.ssl.enabled=true"), output,
				"unable to find valid certification path");
	}

	@Test
	void aBundleWithoutAClientCertificateIsToldWhyWhenTheServerRequiresOne(CapturedOutput output) {
		assertDropped(SecuredRedis.runner(mutualServer).withPropertyValues(SecuredRedis.sslBundle(certificates)), output,
				"certificate_required");
	}

	/**
	 * Redis does not let the connections in: the application starts all the same (Redis may be fixed
	 * later), the startup check's warning names {@code reason}, the breakers decide locally (two
	 * failures open the breaker on this instance) and nothing reaches Redis.
	 */
	private static void assertDropped(ApplicationContextRunner runner, CapturedOutput output, String reason) {
		runner.withPropertyValues("circuitbreaker.redis-timeout=250ms", "circuitbreaker.redis-slow-threshold=250ms").run((context) -> {
			assertThat(context).hasNotFailed();
			CircuitBreaker breaker = SecuredRedis.breaker(context);
			assertThat(breaker.executeSupplier(() -> "paid")).isEqualTo("paid");
			Await.until(WAIT, () -> !context.getBean(FailoverBreakerStore.class).isRedisAvailable(),
					"the store to leave Redis out of the decisions");
			SecuredRedis.failTwice(breaker);
			// Outcomes reach the fallback breaker on a callback thread, not before the call returns: the
			// call right after the second failure may be decided before it is counted (seen once).
			Await.until(WAIT, () -> breaker.getState() == CircuitState.OPEN, "the fallback breaker to open");
			assertThatExceptionOfType(CircuitBreakerOpenException.class)
				.isThrownBy(() -> breaker.executeSupplier(() -> "paid"));
			Await.until(WAIT, () -> output.getOut().contains("Redis is unavailable for circuit breakers ("),
					"the store to say that Redis is unavailable");
		});
		assertThat(lines(output, "Redis is not reachable at startup")).singleElement().asString().contains(reason);
		assertThat(server.command("EXISTS", KEYS.state(SecuredRedis.BREAKER))).isEqualTo(0L);
		assertThat(mutualServer.command("EXISTS", KEYS.state(SecuredRedis.BREAKER))).isEqualTo(0L);
	}

	private static List<String> lines(CapturedOutput output, String text) {
		return output.getOut().lines().filter((line) -> line.contains(text)).toList();
	}

}
