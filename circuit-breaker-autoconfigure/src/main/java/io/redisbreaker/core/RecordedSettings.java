package io.redisbreaker.core;

/**
 * The settings an instance recorded for a breaker in the store.
 *
 * @param hash {@link CircuitBreakerConfig#settingsHash()} of the settings
 * @param settings {@link CircuitBreakerConfig#describeSettings()} of the settings
 * @param instance the id of the instance that recorded them
 */
public record RecordedSettings(String hash, String settings, String instance) {
}
