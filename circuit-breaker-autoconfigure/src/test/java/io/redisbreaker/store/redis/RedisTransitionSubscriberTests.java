package io.redisbreaker.store.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;

import io.redisbreaker.core.StateTransition;
import io.redisbreaker.core.TransitionListener;
import io.redisbreaker.testsupport.Await;
import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.RespClient;
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
 * Transitions other instances publish reach this instance's listeners one at a time and in the order
 * Redis delivered them.
 */
@WithRedisServer
@ExtendWith(OutputCaptureExtension.class)
class RedisTransitionSubscriberTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (int i = this.closeables.size() - 1; i >= 0; i--) {
			this.closeables.get(i).close();
		}
	}

	@Test
	void messagesReachListenersInArrivalOrderOneAtATime(RedisServer server) {
		int messages = 2000;
		OrderRecorder recorder = new OrderRecorder();
		RedisTransitionSubscriber subscriber = subscriber(server, "me", recorder);
		subscriber.start();
		Await.until(WAIT, subscriber::isListening, "the subscriber to listen");

		// Another instance, publishing from its own connection in epoch order, with some of this
		// instance's own mixed in (passed on too, marked local, for the relay to tell once).
		try (RespClient publisher = new RespClient(server.host(), server.port())) {
			for (int epoch = 1; epoch <= messages; epoch++) {
				String origin = (epoch % 10 == 0) ? "me" : "other";
				publisher.command("PUBLISH", "cb:transitions",
						String.join("\t", "b", "CLOSED", "OPEN", Integer.toString(epoch), origin, "failures: 3/3"));
			}
		}
		int expected = messages;
		Await.until(WAIT, () -> recorder.received.get() == expected, "all " + expected + " transitions");

		assertThat(recorder.inversions).as("order inversions").isZero();
		assertThat(recorder.maxConcurrency).as("concurrent listener calls").isEqualTo(1);
		assertThat(recorder.threads).as("delivering threads").containsOnly("circuit-breaker-transitions");
		assertThat(recorder.markedLocal).as("this instance's own, marked local").hasValue(messages / 10);
	}

	@Test
	void theStartupCheckOfAnotherInstanceIsNoTransition(RedisServer server, CapturedOutput output) throws Exception {
		OrderRecorder recorder = new OrderRecorder();
		RedisTransitionSubscriber subscriber = subscriber(server, "me", recorder);
		subscriber.start();
		Await.until(WAIT, subscriber::isListening, "the subscriber to listen");

		RedisClient client = RedisClient.create(server.uri());
		this.closeables.add(client::shutdown);
		StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE);
		RedisBreakerStore other = new RedisBreakerStore(connection::async, new BreakerKeys("cb:"), "other",
				RedisBreakerStore.DEFAULT_KEY_TTL);
		this.closeables.add(other::close);
		assertThat(other.checkPermissions().toCompletableFuture().get(10, TimeUnit.SECONDS)).isEmpty();
		// Messages arrive in order: once this one is heard, the check's message was handled before it.
		try (RespClient publisher = new RespClient(server.host(), server.port())) {
			publisher.command("PUBLISH", "cb:transitions", "b\tCLOSED\tOPEN\t1\tother\tfailures: 3/3");
		}
		Await.until(WAIT, () -> recorder.received.get() >= 1, "the transition published after the check");
		assertThat(recorder.received.get()).isEqualTo(1);
		assertThat(output.getAll()).doesNotContain("malformed");
	}

	private RedisTransitionSubscriber subscriber(RedisServer server, String instanceId, TransitionListener listener) {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(server.host(), server.port()));
		factory.afterPropertiesSet();
		factory.start();
		this.closeables.add(factory::destroy);
		RedisTransitionSubscriber subscriber = new RedisTransitionSubscriber(factory, new BreakerKeys("cb:"),
				instanceId, listener, Duration.ofMillis(100));
		this.closeables.add(subscriber::destroy);
		return subscriber;
	}

	/** Counts listener calls that overlap or see an epoch older than the one before. */
	static final class OrderRecorder implements TransitionListener {

		final AtomicInteger received = new AtomicInteger();

		final AtomicInteger markedLocal = new AtomicInteger();

		private final AtomicInteger active = new AtomicInteger();

		final java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();

		volatile int maxConcurrency;

		volatile int inversions;

		private volatile long lastEpoch;

		@Override
		public void onTransition(StateTransition transition) {
			int now = this.active.incrementAndGet();
			synchronized (this) {
				this.maxConcurrency = Math.max(this.maxConcurrency, now);
			}
			this.threads.add(Thread.currentThread().getName());
			if (transition.local()) {
				this.markedLocal.incrementAndGet();
			}
			// A little work, so overlapping deliveries actually overlap.
			Thread.onSpinWait();
			synchronized (this) {
				if (transition.epoch() < this.lastEpoch) {
					this.inversions++;
				}
				this.lastEpoch = Math.max(this.lastEpoch, transition.epoch());
			}
			this.active.decrementAndGet();
			this.received.incrementAndGet();
		}

	}

}
