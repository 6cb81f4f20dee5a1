package io.redisbreaker.sample.security;

import java.util.List;

/**
 * A profile without development users was started without the users' passwords in the environment.
 */
class MissingCredentialsException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final List<String> properties;

	private final List<String> activeProfiles;

	MissingCredentialsException(List<String> properties, List<String> activeProfiles) {
		super("Missing " + String.join(", ", properties) + " for profiles " + activeProfiles);
		this.properties = properties;
		this.activeProfiles = activeProfiles;
	}

	List<String> properties() {
		return this.properties;
	}

	List<String> activeProfiles() {
		return this.activeProfiles;
	}

}
