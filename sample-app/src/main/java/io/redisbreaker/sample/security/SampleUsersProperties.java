package io.redisbreaker.sample.security;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The sample's two users. The {@code dev} profile sets development passwords; every other profile
 * needs them from the environment ({@code SAMPLE_SECURITY_MONITOR_PASSWORD},
 * {@code SAMPLE_SECURITY_ADMIN_PASSWORD}) and refuses to start without them.
 */
@ConfigurationProperties("sample.security")
public class SampleUsersProperties {

	/** Name of the user who may read the breakers (role MONITOR). */
	private String monitorUser = "monitor";

	/**
	 * Password of the monitoring user, plain or in Spring Security's {@code {id}encoded} form
	 * ({@code {bcrypt}$2a$...}).
	 */
	private @Nullable String monitorPassword;

	/** Name of the user who may also change breakers and the simulated exchanges (roles ADMIN, MONITOR). */
	private String adminUser = "admin";

	/** Password of the admin user, plain or in Spring Security's {@code {id}encoded} form. */
	private @Nullable String adminPassword;

	public String getMonitorUser() {
		return this.monitorUser;
	}

	public void setMonitorUser(String monitorUser) {
		this.monitorUser = monitorUser;
	}

	public @Nullable String getMonitorPassword() {
		return this.monitorPassword;
	}

	public void setMonitorPassword(@Nullable String monitorPassword) {
		this.monitorPassword = monitorPassword;
	}

	public String getAdminUser() {
		return this.adminUser;
	}

	public void setAdminUser(String adminUser) {
		this.adminUser = adminUser;
	}

	public @Nullable String getAdminPassword() {
		return this.adminPassword;
	}

	public void setAdminPassword(@Nullable String adminPassword) {
		this.adminPassword = adminPassword;
	}

}
