package io.redisbreaker.sample;

import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.WithRedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * The sample started as a user starts it, with an invalid breaker setting: the report names the
 * property, the value and what to change, the way Spring Boot reports its own configuration mistakes.
 */
@WithRedisServer
@ExtendWith(OutputCaptureExtension.class)
class SampleStartupFailureTests {

	private final RedisServer redis;

	SampleStartupFailureTests(RedisServer redis) {
		this.redis = redis;
	}

	@Test
	void invalidSettingIsReportedAsTheReasonTheApplicationFailedToStart(CapturedOutput output) {
		assertThatException().isThrownBy(() -> SpringApplication.run(SampleApplication.class, "--server.port=0",
				"--spring.data.redis.host=" + this.redis.host(), "--spring.data.redis.port=" + this.redis.port(),
				"--circuitbreaker.defaults.failure-threshold=0"));

		String out = output.getOut();
		assertThat(out).contains("""
				***************************
				APPLICATION FAILED TO START
				***************************

				Description:

				Invalid circuit breaker configuration:

				    Property: circuitbreaker.defaults.failure-threshold
				    Value: "0"
				    Origin: "circuitbreaker.defaults.failure-threshold" from property source "commandLineArgs"
				    Expected: at least 1

				Action:

				Change circuitbreaker.defaults.failure-threshold to a value that is at least 1.
				""");
		assertThat(out).doesNotContain("Advisor sorting");
	}

}
