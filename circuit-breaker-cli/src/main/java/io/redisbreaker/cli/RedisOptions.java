package io.redisbreaker.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.lettuce.core.RedisURI;
import io.lettuce.core.SslVerifyMode;
import io.redisbreaker.store.redis.BreakerKeys;
import io.redisbreaker.store.redis.RedisBreakerStore;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Where Redis is and how to log in, spelled as {@code redis-cli} spells it (so {@code -h} is the host
 * and help is {@code --help} only), plus the starter's own settings that name and age the keys. Mixed
 * into every command, after which the options go: {@code circuit-breaker status -p 6380}.
 */
final class RedisOptions {

	@Spec(Spec.Target.MIXEE)
	private CommandSpec spec;

	@Option(order = 11, names = { "-h", "--host" }, paramLabel = "HOST", defaultValue = "127.0.0.1",
			description = "Redis host (default: ${DEFAULT-VALUE}).")
	private String host = "127.0.0.1";

	@Option(order = 12, names = { "-p", "--port" }, paramLabel = "PORT", defaultValue = "6379",
			description = "Redis port (default: ${DEFAULT-VALUE}).")
	private int port = 6379;

	@Option(order = 13, names = { "-a", "--pass" }, paramLabel = "PASSWORD", defaultValue = "${env:REDISCLI_AUTH}",
			description = "Password (of --user, else of the default user); the environment variable REDISCLI_AUTH is used when absent, as redis-cli does.")
	private @Nullable String password;

	@Option(order = 14, names = "--user", paramLabel = "USER", description = "ACL user name; needs -a.")
	private @Nullable String user;

	@Option(order = 15, names = { "-u", "--url" }, paramLabel = "URL",
			description = "Server URL, redis://[[user]:password@]host[:port][/db] (rediss:// for TLS); -h, -p and -n are then ignored, -a and --user override its credentials.")
	private @Nullable String url;

	@Option(order = 16, names = { "-n", "--db" }, paramLabel = "DB", description = "Database number (spring.data.redis.database).")
	private @Nullable Integer database;

	@Option(order = 17, names = "--tls", description = "Connect over TLS.")
	private boolean tls;

	@Option(order = 18, names = "--cacert", paramLabel = "FILE", description = "PEM file of the CA that signed the server's certificate (with --tls).")
	private @Nullable Path caCertificate;

	@Option(order = 19, names = "--cert", paramLabel = "FILE", description = "PEM client certificate, for servers that require one (with --key).")
	private @Nullable Path certificate;

	@Option(order = 20, names = "--key", paramLabel = "FILE", description = "PEM private key of --cert.")
	private @Nullable Path key;

	@Option(order = 21, names = "--insecure", description = "Do not verify the server's certificate (with --tls).")
	private boolean insecure;

	@Option(order = 22, names = "--prefix", paramLabel = "PREFIX", defaultValue = BreakerKeys.DEFAULT_PREFIX,
			description = "Key prefix, the applications' circuitbreaker.key-prefix (default: ${DEFAULT-VALUE}).")
	private String prefix = BreakerKeys.DEFAULT_PREFIX;

	@Option(order = 23, names = "--timeout", paramLabel = "DURATION", defaultValue = "5s", converter = DurationConverter.class,
			description = "Longest wait to connect and for each answer (default: ${DEFAULT-VALUE}).")
	private Duration timeout = Duration.ofSeconds(5);

	@Option(order = 24, names = "--key-ttl", paramLabel = "DURATION", defaultValue = "1h", converter = DurationConverter.class,
			description = "Lifetime given to the keys a command writes, the applications' circuitbreaker.key-ttl (default: ${DEFAULT-VALUE}).")
	private Duration keyTtl = RedisBreakerStore.DEFAULT_KEY_TTL;

	@Option(order = 25, names = "--max-breakers", paramLabel = "N", defaultValue = "1000",
			description = "The applications' circuitbreaker.max-breakers (default: ${DEFAULT-VALUE}).")
	private int maxBreakers = RedisBreakerStore.DEFAULT_MAX_BREAKERS;

	/** The server to connect to, credentials and TLS included; a contradictory command line is a usage error. */
	RedisURI uri() {
		RedisURI uri;
		if (this.url != null) {
			try {
				uri = RedisURI.create(this.url);
			}
			catch (IllegalArgumentException ex) {
				throw usage("Invalid value for option '--url': '" + this.url
						+ "' is not a Redis URL; expected redis://[[user]:password@]host[:port][/db] or rediss://... ("
						+ ex.getMessage() + ")");
			}
		}
		else {
			if (this.port < 1 || this.port > 65535) {
				throw usage("Invalid value for option '--port': " + this.port + " is not a port; expected 1 to 65535");
			}
			uri = RedisURI.builder().withHost(this.host).withPort(this.port).build();
		}
		if (this.database != null) {
			uri.setDatabase(this.database);
		}
		if (this.tls) {
			uri.setSsl(true);
		}
		if (this.insecure) {
			uri.setVerifyPeer(SslVerifyMode.NONE);
		}
		String password = (this.password != null && !this.password.isEmpty()) ? this.password : null;
		if (password != null) {
			if (this.user != null) {
				uri.setAuthentication(this.user, password.toCharArray());
			}
			else {
				uri.setAuthentication(password.toCharArray());
			}
		}
		else if (this.user != null) {
			throw usage("Option '--user' needs a password: give -a PASSWORD or set REDISCLI_AUTH");
		}
		uri.setTimeout(this.timeout);
		return uri;
	}

	BreakerKeys keys() {
		try {
			return new BreakerKeys(this.prefix);
		}
		catch (IllegalArgumentException ex) {
			throw usage("Invalid value for option '--prefix': " + ex.getMessage());
		}
	}

	Duration timeout() {
		if (this.timeout.isNegative() || this.timeout.isZero()) {
			throw usage("Invalid value for option '--timeout': " + this.timeout + "; expected a positive duration");
		}
		return this.timeout;
	}

	Duration keyTtl() {
		if (this.keyTtl.toMillis() < 1000) {
			throw usage("Invalid value for option '--key-ttl': " + this.keyTtl + "; expected at least 1s");
		}
		return this.keyTtl;
	}

	int maxBreakers() {
		if (this.maxBreakers < 1) {
			throw usage("Invalid value for option '--max-breakers': " + this.maxBreakers + "; expected at least 1");
		}
		return this.maxBreakers;
	}

	@Nullable Path caCertificate() {
		return readable("--cacert", this.caCertificate);
	}

	@Nullable Path certificate() {
		if ((this.certificate == null) != (this.key == null)) {
			throw usage("Options '--cert' and '--key' go together; give both or neither");
		}
		return readable("--cert", this.certificate);
	}

	@Nullable Path key() {
		return readable("--key", this.key);
	}

	private @Nullable Path readable(String option, @Nullable Path file) {
		if (file != null && !Files.isReadable(file)) {
			throw usage("Invalid value for option '" + option + "': cannot read '" + file + "'; expected a PEM file");
		}
		return file;
	}

	private ParameterException usage(String message) {
		return new ParameterException(this.spec.commandLine(), message);
	}

}
