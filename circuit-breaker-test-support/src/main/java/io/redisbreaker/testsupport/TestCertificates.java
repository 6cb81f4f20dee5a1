package io.redisbreaker.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * Throwaway TLS material for tests, made with the JDK's {@code keytool} (so neither {@code openssl}
 * nor a network is needed): a certificate authority, a server certificate for {@code 127.0.0.1} and
 * {@code localhost} (subject alternative names, so clients that verify host names accept it) and a
 * client certificate, all signed by that authority, as the PEM files Redis and Spring Boot's PEM SSL
 * bundles read. Keys are EC P-256, unencrypted PKCS#8. The certificates are valid for a week; the
 * files live in a private temporary directory that is deleted when the JVM exits.
 *
 * <p>Give the server certificate to a server with {@link RedisServerOptions#tls}; point a client's
 * trust at {@link #caCertificate()}.
 */
public final class TestCertificates {

	private static final String STORE_PASSWORD = "changeit";
	private static final int VALIDITY_DAYS = 7;
	private static final long KEYTOOL_TIMEOUT_SECONDS = 60;

	private final Path dir;

	private TestCertificates(Path dir) {
		this.dir = dir;
	}

	/** Makes a new authority with a server and a client certificate in a new temporary directory. */
	public static TestCertificates create() {
		Path dir;
		try {
			dir = Files.createTempDirectory("redis-tls-");
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		ProcessReaper.onExit(() -> {
			if (!Boolean.getBoolean(ProcessRedisServer.KEEP_FILES_PROPERTY)) {
				ProcessRedisServer.deleteRecursively(dir);
			}
		});
		TestCertificates certificates = new TestCertificates(dir);
		certificates.keytool("-genkeypair", "-keystore", "ca.p12", "-alias", "ca", "-keyalg", "EC",
				"-groupname", "secp256r1", "-dname", "CN=redis-breaker test CA", "-validity",
				Integer.toString(VALIDITY_DAYS), "-ext", "bc:c=ca:true", "-ext", "ku:c=keyCertSign,cRLSign");
		certificates.keytool("-exportcert", "-rfc", "-keystore", "ca.p12", "-alias", "ca", "-file",
				certificates.caCertificate().getFileName().toString());
		certificates.issue("server", "CN=localhost", "san=ip:127.0.0.1,dns:localhost");
		certificates.issue("client", "CN=redis-breaker test client", null);
		return certificates;
	}

	/** The directory holding every file. */
	public Path directory() {
		return dir;
	}

	/** The authority's certificate (PEM): what a client trusts, and Redis's {@code tls-ca-cert-file}. */
	public Path caCertificate() {
		return dir.resolve("ca.crt");
	}

	/** The server's certificate (PEM), for {@code 127.0.0.1} and {@code localhost}. */
	public Path serverCertificate() {
		return dir.resolve("server.crt");
	}

	/** The server's private key (unencrypted PKCS#8 PEM). */
	public Path serverKey() {
		return dir.resolve("server.key");
	}

	/** A client certificate (PEM) signed by the authority, for servers that require one. */
	public Path clientCertificate() {
		return dir.resolve("client.crt");
	}

	/** The client certificate's private key (unencrypted PKCS#8 PEM). */
	public Path clientKey() {
		return dir.resolve("client.key");
	}

	/**
	 * A client TLS context that trusts the authority and, if {@code withClientCertificate}, presents
	 * the client certificate.
	 */
	public SSLContext clientContext(boolean withClientCertificate) {
		return withClientCertificate
				? Pem.clientContext(caCertificate(), clientCertificate(), clientKey())
				: Pem.clientContext(caCertificate(), null, null);
	}

	@Override
	public String toString() {
		return "TestCertificates[" + dir + "]";
	}

	/** A key pair in {@code name.p12}, its certificate signed by the authority, both as PEM. */
	private void issue(String name, String subject, @Nullable String subjectAlternativeNames) {
		String store = name + ".p12";
		keytool("-genkeypair", "-keystore", store, "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1",
				"-dname", subject, "-validity", Integer.toString(VALIDITY_DAYS));
		keytool("-certreq", "-keystore", store, "-alias", name, "-file", name + ".csr");
		List<String> sign = new ArrayList<>(List.of("-gencert", "-keystore", "ca.p12", "-alias", "ca", "-infile",
				name + ".csr", "-outfile", name + ".crt", "-rfc", "-validity", Integer.toString(VALIDITY_DAYS)));
		if (subjectAlternativeNames != null) {
			sign.addAll(List.of("-ext", subjectAlternativeNames));
		}
		keytool(sign.toArray(String[]::new));
		Pem.writePrivateKey(privateKey(dir.resolve(store), name), dir.resolve(name + ".key"));
	}

	private static PrivateKey privateKey(Path store, String alias) {
		try (InputStream in = Files.newInputStream(store)) {
			KeyStore keyStore = KeyStore.getInstance("PKCS12");
			keyStore.load(in, STORE_PASSWORD.toCharArray());
			return (PrivateKey) keyStore.getKey(alias, STORE_PASSWORD.toCharArray());
		} catch (IOException e) {
			throw new UncheckedIOException("Cannot read " + store, e);
		} catch (GeneralSecurityException e) {
			throw new IllegalStateException("Cannot read the key '" + alias + "' from " + store + ": " + e, e);
		}
	}

	private void keytool(String... args) {
		Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
		if (!Files.isExecutable(keytool)) {
			throw new IllegalStateException("keytool not found at " + keytool + " (java.home "
					+ System.getProperty("java.home") + "); test certificates need a full JDK");
		}
		List<String> command = new ArrayList<>(List.of(keytool.toString()));
		command.addAll(List.of(args));
		command.addAll(List.of("-storetype", "PKCS12", "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD,
				"-noprompt"));
		try {
			Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
			process.getOutputStream().close();
			byte[] output = process.getInputStream().readAllBytes();
			if (!process.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException("keytool did not finish within " + KEYTOOL_TIMEOUT_SECONDS
						+ " s: " + command);
			}
			if (process.exitValue() != 0) {
				throw new IllegalStateException("keytool failed with exit code " + process.exitValue() + ": "
						+ command + "\n" + new String(output, StandardCharsets.UTF_8));
			}
		} catch (IOException e) {
			throw new UncheckedIOException("Cannot run " + command, e);
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while running keytool", e);
		}
	}
}
