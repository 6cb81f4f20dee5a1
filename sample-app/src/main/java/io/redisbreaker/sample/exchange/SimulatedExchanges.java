package io.redisbreaker.sample.exchange;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The conditions of the simulated exchanges, kept in Redis (hash {@value #KEY}) so that an outage
 * switched on through one instance hits every instance, as a real exchange outage would.
 * <p>
 * Calls never wait for Redis here: they read the copy refreshed every
 * {@code sample.exchanges.refresh-interval}. While Redis cannot be reached, a change applies to this
 * instance only, and is forgotten once Redis answers again (the shared conditions win).
 */
@Component
public class SimulatedExchanges {

	/** The Redis hash of the conditions: field exchange, value {@code down} or {@code slow:<ms>}. */
	public static final String KEY = "sample:exchanges";

	private static final Log logger = LogFactory.getLog(SimulatedExchanges.class);

	private final StringRedisTemplate redis;

	/** The conditions as last read from Redis; exchanges not in it are up. */
	private volatile Map<String, Condition> shared = Map.of();

	/** Changes made while Redis could not be reached; they hide the shared conditions until it can. */
	private final Map<String, Condition> local = new ConcurrentHashMap<>();

	private volatile boolean sharedReadable = true;

	public SimulatedExchanges(StringRedisTemplate redis) {
		this.redis = redis;
	}

	/** How the exchange behaves now. */
	public Condition condition(String exchange) {
		Condition own = this.local.get(exchange);
		if (own != null) {
			return own;
		}
		return this.shared.getOrDefault(exchange, Condition.UP);
	}

	/**
	 * Changes how an exchange behaves, for every instance when Redis takes the change.
	 * @return whether the change is shared (false: Redis could not be reached, it applies here only)
	 */
	public boolean change(String exchange, Condition condition) {
		try {
			if (condition.mode() == Condition.Mode.UP) {
				this.redis.opsForHash().delete(KEY, exchange);
			}
			else {
				this.redis.opsForHash().put(KEY, exchange, condition.encode());
			}
			this.local.remove(exchange);
			refresh();
			return true;
		}
		catch (DataAccessException ex) {
			this.local.put(exchange, condition);
			return false;
		}
	}

	/** Every exchange that is not up, by name. */
	public Map<String, Condition> conditions() {
		Map<String, Condition> all = new TreeMap<>(this.shared);
		all.putAll(this.local);
		all.values().removeIf((condition) -> condition.mode() == Condition.Mode.UP);
		return all;
	}

	/** Whether the conditions come from Redis, shared by every instance. */
	public boolean isShared() {
		return this.sharedReadable && this.local.isEmpty();
	}

	@Scheduled(fixedDelayString = "${sample.exchanges.refresh-interval:250ms}")
	void refresh() {
		try {
			Map<Object, Object> entries = this.redis.opsForHash().entries(KEY);
			Map<String, Condition> read = new TreeMap<>();
			entries.forEach((exchange, value) -> read.put((String) exchange, Condition.decode((String) value)));
			this.shared = Map.copyOf(read);
			if (!this.sharedReadable) {
				this.sharedReadable = true;
				if (!this.local.isEmpty()) {
					logger.info("Redis answers again: the simulated exchange conditions set on this instance only ("
							+ new TreeMap<>(this.local) + ") give way to the shared ones");
					this.local.clear();
				}
				else {
					logger.info("Redis answers again: the simulated exchange conditions are shared again");
				}
			}
		}
		catch (DataAccessException ex) {
			if (this.sharedReadable) {
				this.sharedReadable = false;
				logger.warn("Redis cannot be reached, so simulated exchange outages switched on now apply to "
						+ "this instance only, until it can: " + ex.getMessage());
			}
		}
	}

}
