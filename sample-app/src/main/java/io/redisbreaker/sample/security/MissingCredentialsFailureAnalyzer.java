package io.redisbreaker.sample.security;

import java.util.Locale;
import java.util.stream.Collectors;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns {@link MissingCredentialsException} into Spring Boot's startup failure report, naming the
 * environment variables to set.
 */
class MissingCredentialsFailureAnalyzer extends AbstractFailureAnalyzer<MissingCredentialsException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, MissingCredentialsException cause) {
		String variables = cause.properties()
			.stream()
			.map((property) -> property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'))
			.collect(Collectors.joining(" and "));
		String description = "The sample application has no credentials for its users: "
				+ String.join(" and ", cause.properties()) + " must be set, and only the dev profile has "
				+ "development users (active profiles: " + cause.activeProfiles() + ").";
		String action = "Set the environment variables " + variables + " (plain passwords, or Spring Security's "
				+ "{bcrypt}... form), or start with the dev profile for development users.";
		return new FailureAnalysis(description, action, cause);
	}

}
