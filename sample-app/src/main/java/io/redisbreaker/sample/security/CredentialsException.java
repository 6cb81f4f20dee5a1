package io.redisbreaker.sample.security;

/**
 * The users' credentials cannot be used: missing outside the dev profile, or not in a form Spring
 * Security can check. Reported by {@link CredentialsFailureAnalyzer} as the reason startup failed.
 */
class CredentialsException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String action;

	CredentialsException(String description, String action) {
		super(description);
		this.action = action;
	}

	String action() {
		return this.action;
	}

}
