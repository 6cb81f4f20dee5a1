package io.redisbreaker.store.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.redisbreaker.connection.RedisFailures;
import io.redisbreaker.core.CircuitState;
import io.redisbreaker.core.StateTransition;
import io.redisbreaker.core.TransitionListener;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/**
 * Hears the transitions other instances publish (the scripts publish each transition on the
 * transition channel as it happens) and tells this instance's listeners. This instance's own
 * transitions are passed on too, marked local: the listener is expected to be a
 * {@link io.redisbreaker.core.TransitionRelay}, which tells each transition once whichever path brings it.
 * <p>
 * Messages are delivered one at a time, in the order Redis sent them, on a single thread named
 * {@value #DELIVERY_THREAD_NAME}: listeners never see a breaker's transitions out of order and are
 * never called concurrently by this subscriber.
 */
public final class RedisTransitionSubscriber implements SmartLifecycle, MessageListener {

	private static final Log logger = LogFactory.getLog(RedisTransitionSubscriber.class);

	/** Default pause between two attempts to subscribe when Redis could not be reached at start. */
	public static final Duration DEFAULT_RETRY_INTERVAL = Duration.ofSeconds(1);

	/** Name of the thread that calls the listeners. */
	public static final String DELIVERY_THREAD_NAME = "circuit-breaker-transitions";

	private final RedisMessageListenerContainer container = new RedisMessageListenerContainer();

	private final String instanceId;

	private final String channel;

	private final TransitionListener listener;

	private final Duration retryInterval;

	// The container's default executor starts a thread per message, so messages overtook each other
	// and listeners ran concurrently. One thread keeps Redis's order (Lettuce hands messages over in
	// the order they arrived) and serialises the listener calls.
	private final ExecutorService delivery = Executors.newSingleThreadExecutor((task) -> {
		Thread thread = new Thread(task, DELIVERY_THREAD_NAME);
		thread.setDaemon(true);
		return thread;
	});

	private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "circuit-breaker-transition-subscribe");
		thread.setDaemon(true);
		return thread;
	});

	private volatile boolean running;

	/** Failed attempts to subscribe since the last success; guarded by {@code this}. */
	private int failures;

	/** Every attempt to subscribe so far, for tests that wait for retries. */
	private volatile long attempts;

	public RedisTransitionSubscriber(RedisConnectionFactory connectionFactory, BreakerKeys keys, String instanceId,
			TransitionListener listener) {
		this(connectionFactory, keys, instanceId, listener, DEFAULT_RETRY_INTERVAL);
	}

	public RedisTransitionSubscriber(RedisConnectionFactory connectionFactory, BreakerKeys keys, String instanceId,
			TransitionListener listener, Duration retryInterval) {
		this.instanceId = instanceId;
		this.channel = keys.transitionChannel();
		this.listener = listener;
		this.retryInterval = retryInterval;
		this.container.setConnectionFactory(connectionFactory);
		// With Lettuce (which the breaker requires) the subscription itself does not occupy this
		// executor: it only runs the listener calls.
		this.container.setTaskExecutor(this.delivery);
		this.container.addMessageListener(this, new ChannelTopic(this.channel));
		this.container.afterPropertiesSet();
	}

	@Override
	public void onMessage(Message message, byte @Nullable [] pattern) {
		String body = new String(message.getBody(), StandardCharsets.UTF_8);
		if (body.startsWith(PermissionCheck.NAME + "\t")) {
			// The startup check of some instance proving it may publish: not a transition.
			return;
		}
		StateTransition transition = parse(body);
		if (transition == null) {
			return;
		}
		// This instance's own transitions come back too: one whose reply was lost (the connection died
		// after the script ran) is heard only here. The listener is a relay that tells each once.
		if (transition.origin().equals(this.instanceId)) {
			transition = new StateTransition(transition.circuitBreakerName(), transition.from(), transition.to(),
					transition.epoch(), transition.reason(), transition.origin(), true);
		}
		this.listener.onTransition(transition);
	}

	/** Reads {@code name TAB from TAB to TAB epoch TAB origin TAB reason}, as written by common.lua. */
	static @Nullable StateTransition parse(String body) {
		String[] fields = body.split("\t", 6);
		try {
			return new StateTransition(fields[0], CircuitState.valueOf(fields[1]), CircuitState.valueOf(fields[2]),
					Long.parseLong(fields[3]), fields[5], fields[4], false);
		}
		catch (RuntimeException ex) {
			logger.warn("Ignoring malformed transition message '" + body + "'");
			return null;
		}
	}

	/** Whether the subscription to the transition channel is active. */
	public boolean isListening() {
		return this.container.isListening();
	}

	/** How many times this subscriber tried to subscribe so far. */
	long subscribeAttempts() {
		return this.attempts;
	}

	@Override
	public void start() {
		this.running = true;
		subscribe();
	}

	// The container does not retry a subscription that failed while starting (it only recovers one
	// that was lost later), so an instance started while Redis was down would never hear other
	// instances' transitions: retry here until it listens or is stopped.
	private synchronized void subscribe() {
		if (!this.running) {
			return;
		}
		this.attempts++;
		try {
			this.container.start();
		}
		catch (RuntimeException ex) {
			this.container.stop();
			this.failures++;
			// Breakers work without it; only other instances' transitions go unheard until it recovers.
			// Said once: a retry every second while Redis is down would drown the log.
			if (this.failures == 1) {
				logger.warn("Could not subscribe to circuit breaker transitions on channel '" + this.channel + "' ("
						+ RedisFailures.describe(ex) + "); transitions of other instances go unheard until it "
						+ "succeeds; retrying every " + this.retryInterval.toMillis() + " ms");
			}
			else if (logger.isDebugEnabled()) {
				logger.debug("Still cannot subscribe to circuit breaker transitions (attempt " + this.failures + "): "
						+ RedisFailures.describe(ex));
			}
			try {
				this.retries.schedule(this::subscribe, this.retryInterval.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (RejectedExecutionException closed) {
				// Destroyed meanwhile.
			}
			return;
		}
		if (this.failures > 0) {
			logger.info("Subscribed to circuit breaker transitions on channel '" + this.channel + "' after "
					+ this.failures + " failed attempt" + ((this.failures == 1) ? "" : "s"));
			this.failures = 0;
		}
	}

	@Override
	public synchronized void stop() {
		this.running = false;
		this.container.stop();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** Closes the container and its connection, and stops the subscriber's threads. */
	public void destroy() throws Exception {
		this.retries.shutdownNow();
		try {
			this.container.destroy();
		}
		finally {
			// The container does not own an executor it was given.
			this.delivery.shutdownNow();
		}
	}

}
