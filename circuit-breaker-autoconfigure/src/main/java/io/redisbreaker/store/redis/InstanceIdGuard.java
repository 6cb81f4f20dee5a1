package io.redisbreaker.store.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.redisbreaker.connection.RedisFailures;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.ReturnType;

/**
 * Notices two live instances configured with the same {@code circuitbreaker.instance-id}. Their
 * trial permit ids and transition origins would collide: one instance's trial call could release the
 * other's half-open slot, and each would skip the other's transitions as its own.
 * <p>
 * Each instance holds the key {@code <prefix>instance:<id>} (a hash whose {@code token} is random per
 * instance), refreshed every {@link #DEFAULT_REFRESH_INTERVAL} with a lifetime of
 * {@link #DEFAULT_TTL}, and deleted on shutdown. An instance that finds the key held by another token
 * marks itself as a contender in it, so the holder hears of it at its next refresh and logs an error
 * at once. The contender itself logs the error only once the key has outlived its lifetime while
 * held by the other token: a key it finds at startup may be the leftover of its own previous run (a
 * crash, a kill), which then simply expires and is taken over, without a false alarm.
 * <p>
 * Startup does not fail: a restarted instance cannot tell its own leftover key from a live twin until
 * the lifetime has passed, and the breakers keep working with a duplicate id, only less exactly.
 * Everything this guard does uses commands the breakers need anyway (EVAL, HGET, HMGET, HSET, HDEL,
 * PEXPIRE, DEL); its own Redis failures are logged at debug level and retried at the next refresh.
 */
public final class InstanceIdGuard implements SmartLifecycle {

	/** Default pause between two refreshes of the instance key. */
	public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(10);

	/** Default lifetime of the instance key after its last refresh. */
	public static final Duration DEFAULT_TTL = Duration.ofSeconds(30);

	private static final Log logger = LogFactory.getLog(InstanceIdGuard.class);

	// Reply: {1, contender or ''} when this instance holds the key, {0, holder} when another does.
	private static final byte[] HOLD = bytes("""
			local key, token, ttl = KEYS[1], ARGV[1], ARGV[2]
			local v = redis.call('HMGET', key, 'token', 'contender')
			if v[1] and v[1] ~= token then
			  redis.call('HSET', key, 'contender', token)
			  return {0, v[1]}
			end
			local contender = v[2] or ''
			if contender ~= '' then redis.call('HDEL', key, 'contender') end
			redis.call('HSET', key, 'token', token)
			redis.call('PEXPIRE', key, ttl)
			return {1, contender}
			""");

	// Deletes the key if this instance holds it, or withdraws this instance as its contender.
	private static final byte[] RELEASE = bytes("""
			local v = redis.call('HMGET', KEYS[1], 'token', 'contender')
			if v[1] == ARGV[1] then redis.call('DEL', KEYS[1])
			elseif v[2] == ARGV[1] then redis.call('HDEL', KEYS[1], 'contender') end
			return 1
			""");

	private final RedisConnectionFactory connectionFactory;

	private final String instanceId;

	private final byte[] key;

	private final String token = UUID.randomUUID().toString();

	private final Duration refreshInterval;

	private final Duration ttl;

	private volatile @Nullable ScheduledExecutorService refresher;

	private volatile boolean running;

	// Only touched on the refresher thread.
	private long conflictSinceNanos = -1;

	private volatile boolean duplicate;

	private boolean reported;

	private volatile long refreshes;

	public InstanceIdGuard(RedisConnectionFactory connectionFactory, BreakerKeys keys, String instanceId) {
		this(connectionFactory, keys, instanceId, DEFAULT_REFRESH_INTERVAL, DEFAULT_TTL);
	}

	/**
	 * @param refreshInterval pause between two refreshes
	 * @param ttl lifetime of the key after a refresh; more than {@code refreshInterval}, so a live
	 * holder's key never lapses between two refreshes
	 */
	public InstanceIdGuard(RedisConnectionFactory connectionFactory, BreakerKeys keys, String instanceId,
			Duration refreshInterval, Duration ttl) {
		if (ttl.compareTo(refreshInterval.multipliedBy(2)) < 0) {
			throw new IllegalArgumentException("Instance key lifetime must be at least twice the refresh interval ("
					+ refreshInterval + ") but was " + ttl);
		}
		this.connectionFactory = connectionFactory;
		this.instanceId = instanceId;
		this.key = bytes(key(keys, instanceId));
		this.refreshInterval = refreshInterval;
		this.ttl = ttl;
	}

	/** The key an instance with this id holds. */
	public static String key(BreakerKeys keys, String instanceId) {
		return keys.prefix() + "instance:" + instanceId;
	}

	/** Whether another live instance was found to use the same instance id (and still does). */
	public boolean isDuplicate() {
		return this.duplicate;
	}

	/** Refreshes that reached Redis so far, for tests that wait for them. */
	long refreshes() {
		return this.refreshes;
	}

	@Override
	public synchronized void start() {
		if (this.running) {
			return;
		}
		this.running = true;
		ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "circuit-breaker-instance-id");
			thread.setDaemon(true);
			return thread;
		});
		this.refresher = refresher;
		// Off the caller's thread: startup never waits for Redis here.
		refresher.scheduleWithFixedDelay(this::refresh, 0, this.refreshInterval.toMillis(), TimeUnit.MILLISECONDS);
	}

	@Override
	public synchronized void stop() {
		if (!this.running) {
			return;
		}
		this.running = false;
		ScheduledExecutorService refresher = this.refresher;
		if (refresher != null) {
			refresher.shutdownNow();
			try {
				// A refresh under way must not take the key again after it was released.
				refresher.awaitTermination(this.ttl.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		try {
			// So that a restarted instance can take its id at once instead of waiting for the key to expire.
			eval(RELEASE, ReturnType.INTEGER);
		}
		catch (RuntimeException ex) {
			logger.debug("Could not release the instance key " + keyName() + ": " + RedisFailures.describe(ex));
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	private void refresh() {
		List<?> reply;
		try {
			reply = (List<?>) eval(HOLD, ReturnType.MULTI);
		}
		catch (RuntimeException ex) {
			// Redis down or the user may not: the breakers report that themselves, loudly enough.
			logger.debug("Could not refresh the instance key " + keyName() + ": " + RedisFailures.describe(ex));
			return;
		}
		this.refreshes++;
		if (reply == null || reply.size() < 2) {
			return;
		}
		boolean held = (reply.get(0) instanceof Number number) && number.longValue() == 1;
		String other = text(reply.get(1));
		if (held) {
			this.conflictSinceNanos = -1;
			if (!other.isEmpty()) {
				report("another instance tried to take it");
			}
			else if (this.duplicate) {
				this.duplicate = false;
				this.reported = false;
				logger.info("No other instance uses circuitbreaker.instance-id '" + this.instanceId + "' any more");
			}
			return;
		}
		long now = System.nanoTime();
		if (this.conflictSinceNanos < 0) {
			this.conflictSinceNanos = now;
			logger.debug("Instance key " + keyName() + " is held by another token; it is a duplicate id unless the key "
					+ "is a leftover that expires within " + this.ttl.toMillis() + " ms");
		}
		else if (now - this.conflictSinceNanos > this.ttl.toNanos()) {
			// A leftover key would have expired by now: another instance keeps refreshing it.
			report("another instance has held it for longer than its " + this.ttl.toMillis() + " ms lifetime");
		}
	}

	private void report(String evidence) {
		this.duplicate = true;
		if (this.reported) {
			return;
		}
		this.reported = true;
		logger.error("Another live instance uses the same circuitbreaker.instance-id '" + this.instanceId
				+ "' (Redis key " + keyName() + ": " + evidence + "). Trial permit ids and transition origins of the "
				+ "two collide, so half-open trial limits and transition events are unreliable. Give every instance a "
				+ "unique circuitbreaker.instance-id, or leave circuitbreaker.instance-id unset to get a generated one.");
	}

	private @Nullable Object eval(byte[] script, ReturnType type) {
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			return connection.scriptingCommands()
				.eval(script, type, 1, this.key, bytes(this.token), bytes(Long.toString(this.ttl.toMillis())));
		}
	}

	private String keyName() {
		return "'" + new String(this.key, StandardCharsets.UTF_8) + "'";
	}

	private static String text(Object value) {
		return (value instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

}
