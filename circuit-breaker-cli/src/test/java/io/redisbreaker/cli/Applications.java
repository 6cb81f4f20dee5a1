package io.redisbreaker.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.redisbreaker.core.Admission;
import io.redisbreaker.core.CallOutcome;
import io.redisbreaker.core.CircuitBreakerConfig;
import io.redisbreaker.core.CircuitSnapshot;
import io.redisbreaker.store.redis.BreakerKeys;
import io.redisbreaker.store.redis.RedisBreakerStore;
import io.redisbreaker.testsupport.RedisServer;

/**
 * Application instances as the starter runs them: the Redis store, its scripts and settings check,
 * each on its own Lettuce connection, so the CLI's changes are seen where they matter.
 */
final class Applications implements AutoCloseable {

	/** Opens after 2 failures in a row; a 60 s window and a 10 minute open timeout, so nothing ages out during a test. */
	static final CircuitBreakerConfig CONFIG = CircuitBreakerConfig.builder()
		.failureThreshold(2)
		.minimumCalls(4)
		.slidingWindow(Duration.ofSeconds(60))
		.openTimeout(Duration.ofMinutes(10))
		.build();

	private final RedisServer server;

	private final List<RedisClient> clients = new ArrayList<>();

	private final List<RedisBreakerStore> stores = new ArrayList<>();

	Applications(RedisServer server) {
		this.server = server;
	}

	RedisBreakerStore instance(String id) {
		return instance(id, BreakerKeys.DEFAULT_PREFIX);
	}

	RedisBreakerStore instance(String id, String prefix) {
		RedisURI uri = RedisURI.create(this.server.uri());
		if (this.server.password() != null) {
			uri.setAuthentication(this.server.password().toCharArray());
		}
		RedisClient client = RedisClient.create(uri);
		this.clients.add(client);
		StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE);
		RedisBreakerStore store = new RedisBreakerStore(connection::async, new BreakerKeys(prefix), id,
				RedisBreakerStore.DEFAULT_KEY_TTL);
		this.stores.add(store);
		return store;
	}

	/** What an instance does when it creates a breaker: lists it and records its settings. */
	static void use(RedisBreakerStore store, String name) {
		store.register(name).toCompletableFuture().join();
		store.checkSettings(name, CONFIG).toCompletableFuture().join();
	}

	/** One protected call and its outcome; returns whether it was permitted. */
	static boolean call(RedisBreakerStore store, String name, CallOutcome outcome) {
		Admission admission = store.acquire(name, CONFIG, "permit").toCompletableFuture().join();
		if (admission.allowed()) {
			store.record(name, CONFIG, admission, outcome).toCompletableFuture().join();
		}
		return admission.allowed();
	}

	static CircuitSnapshot snapshot(RedisBreakerStore store, String name) {
		return store.snapshot(name, CONFIG).toCompletableFuture().join();
	}

	@Override
	public void close() {
		this.stores.forEach(RedisBreakerStore::close);
		this.clients.forEach(RedisClient::shutdown);
	}

}
