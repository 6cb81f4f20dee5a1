package io.redisbreaker.store.redis;

import io.redisbreaker.core.CircuitBreakerConfig;

import static io.redisbreaker.store.redis.ScriptArguments.encode;

/**
 * The ARGV of {@code settings.lua}, in the order of its {@code -- ARGV:} header.
 *
 * @param hash the settings hash
 * @param settings the settings, described
 * @param instance see {@link StoreConstants#origin()}
 * @param ttlMs see {@link StoreConstants#ttlMs()}
 */
record SettingsArguments(String hash, String settings, byte[] instance, byte[] ttlMs) {

	static SettingsArguments of(CircuitBreakerConfig config, StoreConstants store) {
		return new SettingsArguments(config.settingsHash(), config.describeSettings(), store.origin(), store.ttlMs());
	}

	/** The components, encoded, in order. */
	byte[][] argv() {
		return new byte[][] { encode(this.hash), encode(this.settings), this.instance, this.ttlMs };
	}

}
