package io.redisbreaker.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.origin.Origin;
import org.springframework.core.env.Environment;

/**
 * Reports an {@link InvalidCircuitBreakerPropertyException} the way Spring Boot reports its own
 * configuration mistakes: the property, the value given, where it was set and what was expected, then
 * what to change. The exception may sit anywhere in the cause chain; without this analyzer the first
 * lines of the report would be about whichever bean happened to need the breakers first.
 */
public final class CircuitBreakerFailureAnalyzer extends AbstractFailureAnalyzer<InvalidCircuitBreakerPropertyException> {

	private final @Nullable Environment environment;

	/**
	 * Creates an analyzer; Spring Boot passes the failed application's environment.
	 * @param environment the environment, used to tell where the value was set, or {@code null}
	 */
	public CircuitBreakerFailureAnalyzer(@Nullable Environment environment) {
		this.environment = environment;
	}

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidCircuitBreakerPropertyException cause) {
		StringBuilder description = new StringBuilder("Invalid circuit breaker configuration:\n\n");
		description.append("    Property: ").append(cause.getProperty()).append('\n');
		description.append("    Value: \"").append(cause.getValue()).append("\"\n");
		Origin origin = origin(cause.getProperty());
		if (origin != null) {
			description.append("    Origin: ").append(origin).append('\n');
		}
		description.append("    Expected: ").append(cause.getExpected());
		return new FailureAnalysis(description.toString(), cause.getAction(), cause);
	}

	/** Where the property was set, when the environment knows: a file and line, or a command-line argument. */
	private @Nullable Origin origin(String property) {
		ConfigurationPropertyName name = ConfigurationPropertyName.ofIfValid(property);
		if (this.environment == null || name == null) {
			return null;
		}
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(this.environment)) {
			ConfigurationProperty found = source.getConfigurationProperty(name);
			if (found != null) {
				return found.getOrigin();
			}
		}
		return null;
	}

}
