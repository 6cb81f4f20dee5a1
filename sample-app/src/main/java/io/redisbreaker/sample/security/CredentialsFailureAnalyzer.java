package io.redisbreaker.sample.security;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns {@link CredentialsException} into Spring Boot's startup failure report.
 */
class CredentialsFailureAnalyzer extends AbstractFailureAnalyzer<CredentialsException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, CredentialsException cause) {
		return new FailureAnalysis(String.valueOf(cause.getMessage()), cause.action(), cause);
	}

}
