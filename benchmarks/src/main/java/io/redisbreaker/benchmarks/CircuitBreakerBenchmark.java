package io.redisbreaker.benchmarks;

import java.util.concurrent.TimeUnit;

import io.github.resilience4j.circuitbreaker.annotation.CircuitBreaker;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.redisbreaker.annotation.CircuitProtected;
import io.redisbreaker.core.CircuitBreakerConfig;
import io.redisbreaker.core.CircuitBreakerConfigs;
import io.redisbreaker.core.CircuitBreakerRegistry;
import io.redisbreaker.core.Consistency;
import io.redisbreaker.store.memory.InMemoryBreakerStore;
import io.redisbreaker.testsupport.RedisServer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * One trivial business call, through each way of protecting it, against a {@code redis-server} the
 * benchmark starts on a free loopback port (never the one on 6379). The breakers stay CLOSED: this is
 * the common path every call pays. Resilience4j, in memory, is the anchor the others are compared with,
 * in the same run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
@Warmup(iterations = 8, time = 2)
@Measurement(iterations = 5, time = 2)
public class CircuitBreakerBenchmark {

	private RedisServer redis;

	private ConfigurableApplicationContext context;

	private StatefulRedisConnection<String, String> lettuce;

	private RedisClient lettuceClient;

	private RedisCommands<String, String> plain;

	private io.github.resilience4j.circuitbreaker.CircuitBreaker resilience4j;

	private io.redisbreaker.core.CircuitBreaker bounded;

	private io.redisbreaker.core.CircuitBreaker strict;

	private io.redisbreaker.core.CircuitBreaker inMemory;

	private AnnotatedServices services;

	private long value;

	@Setup(Level.Trial)
	public void start() {
		this.redis = RedisServer.startProcess();
		this.context = new SpringApplication(Application.class).run("--spring.main.web-application-type=none",
				"--spring.main.banner-mode=off", "--logging.level.root=WARN",
				"--spring.data.redis.host=" + this.redis.host(), "--spring.data.redis.port=" + this.redis.port(),
				"--circuitbreaker.instances[bench/strict].consistency=strict",
				"--circuitbreaker.instances[bench/annotation-strict].consistency=strict");
		this.services = this.context.getBean(AnnotatedServices.class);
		CircuitBreakerRegistry registry = this.context.getBean(CircuitBreakerRegistry.class);
		this.bounded = registry.circuitBreaker("bench/bounded");
		this.strict = registry.circuitBreaker("bench/strict");
		// The in-memory state machine alone, deciding every call (what the Redis path adds is measured above).
		this.inMemory = new CircuitBreakerRegistry(new InMemoryBreakerStore("bench"),
				CircuitBreakerConfigs.of(CircuitBreakerConfig.builder().consistency(Consistency.STRICT).build()),
				(transition) -> {
				}, "bench")
			.circuitBreaker("bench/memory");
		this.resilience4j = io.github.resilience4j.circuitbreaker.CircuitBreaker.ofDefaults("bench");
		this.lettuceClient = RedisClient.create(this.redis.uri());
		this.lettuce = this.lettuceClient.connect();
		this.plain = this.lettuce.sync();
		this.plain.set("bench:key", "42");
	}

	@TearDown(Level.Trial)
	public void stop() {
		this.lettuce.close();
		this.lettuceClient.shutdown();
		this.context.close();
		this.redis.close();
	}

	/** The business call: a few nanoseconds of work whose result is used. */
	long work() {
		return this.value = this.value * 31 + 17;
	}

	@Benchmark
	public long noBreaker() {
		return work();
	}

	@Benchmark
	public long resilience4jProgrammatic() {
		return this.resilience4j.executeSupplier(this::work);
	}

	@Benchmark
	public long resilience4jAnnotation() {
		return this.services.resilience4j(this);
	}

	@Benchmark
	public String lettuceGet() {
		return this.plain.get("bench:key");
	}

	@Benchmark
	public long inMemoryStoreProgrammatic() {
		return this.inMemory.executeSupplier(this::work);
	}

	@Benchmark
	public long redisBoundedProgrammatic() {
		return this.bounded.executeSupplier(this::work);
	}

	@Benchmark
	public long redisStrictProgrammatic() {
		return this.strict.executeSupplier(this::work);
	}

	@Benchmark
	public long redisBoundedAnnotation() {
		return this.services.circuitProtected(this);
	}

	@Benchmark
	public long redisStrictAnnotation() {
		return this.services.circuitProtectedStrict(this);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Application {

		@Bean
		AnnotatedServices annotatedServices() {
			return new AnnotatedServices();
		}

	}

	/** The business call behind each annotation, on a Spring bean as users write it. */
	public static class AnnotatedServices {

		@CircuitBreaker(name = "bench-annotation")
		public long resilience4j(CircuitBreakerBenchmark benchmark) {
			return benchmark.work();
		}

		@CircuitProtected(name = "bench/annotation")
		public long circuitProtected(CircuitBreakerBenchmark benchmark) {
			return benchmark.work();
		}

		@CircuitProtected(name = "bench/annotation-strict")
		public long circuitProtectedStrict(CircuitBreakerBenchmark benchmark) {
			return benchmark.work();
		}

	}

}
