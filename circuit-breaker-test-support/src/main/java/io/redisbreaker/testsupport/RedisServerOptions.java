package io.redisbreaker.testsupport;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code redis-server} arguments for a server secured as in production: a password for the
 * default user, ACL users, TLS. Start it with {@link #launch()}, {@link #startProcess()} or {@link
 * #startContainer()} (containers cannot do TLS), or pass {@link #args()} to {@link
 * RedisServer#launch}. For example:
 *
 * <pre>{@code
 * RedisServer server = RedisServer.options()
 *     .requirePass("admin-secret")
 *     .user("breaker", "on >pw ~cb:* &cb:* +ping +evalsha")
 *     .tls(TestCertificates.create(), false)
 *     .startProcess();
 * }</pre>
 *
 * <p>The server's own {@link RedisServer#client()} keeps working whatever is set here: it
 * authenticates as the default user with the {@link #requirePass} password and speaks TLS when the
 * server does.
 */
public final class RedisServerOptions {

	private final List<String> args = new ArrayList<>();

	RedisServerOptions() {}

	/** Requires {@code password} of the default user ({@code requirepass}). */
	public RedisServerOptions requirePass(String password) {
		if (password.isEmpty()) {
			throw new IllegalArgumentException("requirePass needs a non-empty password");
		}
		return arg("--requirepass", password);
	}

	/**
	 * Defines an ACL user, as a {@code user} line of {@code redis.conf} or {@code users.acl} would.
	 *
	 * @param name the user's name, e.g. {@code breaker}
	 * @param rules the ACL rules separated by spaces, e.g. {@code "on >pw ~cb:* &cb:* +ping"}; a rule
	 *     cannot contain a space (give such a password as {@code #<sha256>})
	 */
	public RedisServerOptions user(String name, String rules) {
		if (name.isBlank() || name.chars().anyMatch(Character::isWhitespace)) {
			throw new IllegalArgumentException("ACL user name must be one word, not '" + name + "'");
		}
		String[] ruleList = rules.trim().split("\\s+");
		if (ruleList.length == 0 || ruleList[0].isEmpty()) {
			throw new IllegalArgumentException("ACL user '" + name + "' needs rules, e.g. \"on >password ~* +@all\"");
		}
		for (String rule : ruleList) {
			if (rule.startsWith("--")) {
				throw new IllegalArgumentException("ACL rule '" + rule + "' of user '" + name + "' starts with '--', "
						+ "which redis-server reads as its next option");
			}
		}
		args.add("--user");
		args.add(name);
		args.addAll(Arrays.asList(ruleList));
		return this;
	}

	/**
	 * Serves TLS only, with the server certificate of {@code certificates}: {@code tls-port} on the
	 * server's port and {@code port 0}.
	 *
	 * @param requireClientCertificates {@code tls-auth-clients yes} (clients must present a
	 *     certificate signed by the authority) or {@code no}
	 */
	public RedisServerOptions tls(TestCertificates certificates, boolean requireClientCertificates) {
		return arg("--tls-cert-file", certificates.serverCertificate().toString(),
				"--tls-key-file", certificates.serverKey().toString(),
				"--tls-ca-cert-file", certificates.caCertificate().toString(),
				"--tls-auth-clients", requireClientCertificates ? "yes" : "no");
	}

	/** Any other {@code redis-server} arguments, e.g. {@code "--maxmemory", "10mb"}. */
	public RedisServerOptions arg(String... more) {
		if (more.length == 0) {
			throw new IllegalArgumentException("arg needs at least one argument");
		}
		args.addAll(Arrays.asList(more));
		return this;
	}

	/** The {@code redis-server} arguments so far. */
	public String[] args() {
		return args.toArray(String[]::new);
	}

	/** {@link RedisServer#launch} with these arguments (a process when TLS is on). */
	public RedisServer launch() {
		return RedisServer.launch(args());
	}

	/** {@link RedisServer#startProcess} with these arguments. */
	public RedisServer startProcess() {
		return RedisServer.startProcess(args());
	}

	/** {@link RedisServer#startContainer} with these arguments; TLS is refused. */
	public RedisServer startContainer() {
		return RedisServer.startContainer(args());
	}

	@Override
	public String toString() {
		return "RedisServerOptions" + args;
	}
}
