package io.redisbreaker.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/** PEM files, as Redis reads them, turned into what the JDK's TLS needs. */
final class Pem {

	private static final String KEY_BEGIN = "-----BEGIN PRIVATE KEY-----";
	private static final String KEY_END = "-----END PRIVATE KEY-----";
	private static final char[] NO_PASSWORD = new char[0];

	private Pem() {}

	/**
	 * A client TLS context that trusts the certificates in {@code trusted} and, when {@code
	 * certificate} and {@code key} are given, presents that certificate.
	 */
	static SSLContext clientContext(Path trusted, @Nullable Path certificate, @Nullable Path key) {
		try {
			KeyStore trust = emptyStore();
			int i = 0;
			for (Certificate ca : certificates(trusted)) {
				trust.setCertificateEntry("ca-" + i++, ca);
			}
			TrustManagerFactory trustManagers =
					TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			trustManagers.init(trust);
			KeyManagerFactory keyManagers = null;
			if (certificate != null && key != null) {
				KeyStore identity = emptyStore();
				identity.setKeyEntry("client", privateKey(key), NO_PASSWORD,
						certificates(certificate).toArray(Certificate[]::new));
				keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
				keyManagers.init(identity, NO_PASSWORD);
			}
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(keyManagers == null ? null : keyManagers.getKeyManagers(),
					trustManagers.getTrustManagers(), null);
			return context;
		} catch (GeneralSecurityException e) {
			throw new IllegalStateException("Cannot build a TLS context from " + trusted
					+ (certificate != null ? ", " + certificate + " and " + key : "") + ": " + e, e);
		}
	}

	static List<Certificate> certificates(Path file) {
		try (InputStream in = Files.newInputStream(file)) {
			Collection<? extends Certificate> certificates =
					CertificateFactory.getInstance("X.509").generateCertificates(in);
			if (certificates.isEmpty()) {
				throw new IllegalArgumentException("No PEM certificate in " + file);
			}
			return List.copyOf(certificates);
		} catch (IOException e) {
			throw new UncheckedIOException("Cannot read certificate file " + file, e);
		} catch (GeneralSecurityException e) {
			throw new IllegalArgumentException("Not a PEM certificate file: " + file + " (" + e + ")", e);
		}
	}

	/** An unencrypted PKCS#8 key ({@code BEGIN PRIVATE KEY}), EC or RSA. */
	static PrivateKey privateKey(Path file) {
		String text;
		try {
			text = Files.readString(file, StandardCharsets.US_ASCII);
		} catch (IOException e) {
			throw new UncheckedIOException("Cannot read key file " + file, e);
		}
		int begin = text.indexOf(KEY_BEGIN);
		int end = text.indexOf(KEY_END);
		if (begin < 0 || end < begin) {
			throw new IllegalArgumentException("Key file " + file + " holds no unencrypted PKCS#8 key ('"
					+ KEY_BEGIN + "'); convert it with: openssl pkcs8 -topk8 -nocrypt -in " + file);
		}
		byte[] der = Base64.getMimeDecoder().decode(text.substring(begin + KEY_BEGIN.length(), end));
		for (String algorithm : List.of("EC", "RSA")) {
			try {
				return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
			} catch (GeneralSecurityException tryNext) {
				// Not this algorithm.
			}
		}
		throw new IllegalArgumentException("Key file " + file + " holds neither an EC nor an RSA key");
	}

	/** Writes {@code key} as an unencrypted PKCS#8 PEM file, readable only by its owner. */
	static void writePrivateKey(PrivateKey key, Path file) {
		String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
				.encodeToString(key.getEncoded());
		try {
			Files.writeString(file, KEY_BEGIN + "\n" + base64 + "\n" + KEY_END + "\n", StandardCharsets.US_ASCII);
			file.toFile().setReadable(false, false);
			file.toFile().setReadable(true, true);
		} catch (IOException e) {
			throw new UncheckedIOException("Cannot write key file " + file, e);
		}
	}

	private static KeyStore emptyStore() throws GeneralSecurityException {
		KeyStore store = KeyStore.getInstance("PKCS12");
		try {
			store.load(null, null);
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		return store;
	}
}
