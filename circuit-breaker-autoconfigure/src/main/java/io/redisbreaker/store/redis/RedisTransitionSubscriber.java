package io.redisbreaker.store.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

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
 * transitions are skipped: it told its listeners when it made them.
 */
public final class RedisTransitionSubscriber implements SmartLifecycle, MessageListener {

	private static final Log logger = LogFactory.getLog(RedisTransitionSubscriber.class);

	private final RedisMessageListenerContainer container = new RedisMessageListenerContainer();

	private final String instanceId;

	private final TransitionListener listener;

	/** Default pause between two attempts to subscribe when Redis could not be reached at start. */
	public static final Duration DEFAULT_RETRY_INTERVAL = Duration.ofSeconds(1);

	private final Duration retryInterval;

	private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "circuit-breaker-transition-subscribe");
		thread.setDaemon(true);
		return thread;
	});

	private volatile boolean running;

	public RedisTransitionSubscriber(RedisConnectionFactory connectionFactory, BreakerKeys keys, String instanceId,
			TransitionListener listener) {
		this(connectionFactory, keys, instanceId, listener, DEFAULT_RETRY_INTERVAL);
	}

	public RedisTransitionSubscriber(RedisConnectionFactory connectionFactory, BreakerKeys keys, String instanceId,
			TransitionListener listener, Duration retryInterval) {
		this.instanceId = instanceId;
		this.listener = listener;
		this.retryInterval = retryInterval;
		this.container.setConnectionFactory(connectionFactory);
		this.container.addMessageListener(this, new ChannelTopic(keys.transitionChannel()));
		this.container.afterPropertiesSet();
	}

	@Override
	public void onMessage(Message message, byte @Nullable [] pattern) {
		StateTransition transition = parse(new String(message.getBody(), StandardCharsets.UTF_8));
		if (transition != null && !transition.origin().equals(this.instanceId)) {
			this.listener.onTransition(transition);
		}
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
		try {
			this.container.start();
		}
		catch (RuntimeException ex) {
			// Breakers work without it; only other instances' transitions go unheard until it recovers.
			logger.warn("Could not subscribe to circuit breaker transitions (retrying every "
					+ this.retryInterval.toMillis() + " ms): " + ex.getMessage());
			this.container.stop();
			try {
				this.retries.schedule(this::subscribe, this.retryInterval.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (RejectedExecutionException closed) {
				// Destroyed meanwhile.
			}
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

	/** Closes the container and its connection. */
	public void destroy() throws Exception {
		this.retries.shutdownNow();
		this.container.destroy();
	}

}
