package io.redisbreaker.store.redis;

import java.nio.charset.StandardCharsets;

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

	public RedisTransitionSubscriber(RedisConnectionFactory connectionFactory, BreakerKeys keys, String instanceId,
			TransitionListener listener) {
		this.instanceId = instanceId;
		this.listener = listener;
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
		try {
			this.container.start();
		}
		catch (RuntimeException ex) {
			// Breakers work without it; only other instances' transitions go unheard until it recovers.
			logger.warn("Could not subscribe to circuit breaker transitions: " + ex.getMessage());
		}
	}

	@Override
	public void stop() {
		this.container.stop();
	}

	@Override
	public boolean isRunning() {
		return this.container.isRunning();
	}

	/** Closes the container and its connection. */
	public void destroy() throws Exception {
		this.container.destroy();
	}

}
