package io.redisbreaker.cli;

import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server that speaks TLS only and requires client certificates: {@code --tls} with the authority
 * and the client's certificate gets in; a missing piece is exit code 3, never a hang.
 */
class CliTlsTests {

	private static TestCertificates certificates;

	private static RedisServer server;

	@BeforeAll
	static void start() {
		certificates = TestCertificates.create();
		server = RedisServer.options().tls(certificates, true).startProcess();
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	private static String[] args(String... more) {
		String[] args = CliRun.withServer(server, more);
		String[] all = new String[args.length + 7];
		System.arraycopy(args, 0, all, 0, args.length);
		System.arraycopy(new String[] { "--tls", "--cacert", certificates.caCertificate().toString(), "--cert",
				certificates.clientCertificate().toString(), "--key", certificates.clientKey().toString() }, 0, all,
				args.length, 7);
		return all;
	}

	@Test
	void tlsWithTheAuthorityAndAClientCertificateGetsIn() {
		CliRun run = CliRun.of(args("status"));
		assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.OK);
		assertThat(run.out()).isEqualTo("No circuit breakers at rediss://127.0.0.1:" + server.port() + " (prefix 'cb:')\n");
		CliRun url = CliRun.of("status", "-u", server.uri(), "--cacert", certificates.caCertificate().toString(),
				"--cert", certificates.clientCertificate().toString(), "--key", certificates.clientKey().toString());
		assertThat(url.exitCode()).as(url.toString()).isEqualTo(ExitCodes.OK);
	}

	@Test
	void insecureSkipsTheServerCertificateCheck() {
		CliRun run = CliRun.against(server, "status", "--tls", "--insecure", "--cert",
				certificates.clientCertificate().toString(), "--key", certificates.clientKey().toString());
		assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.OK);
	}

	@Test
	void aServerCertificateNotTrustedIsExitThree() {
		CliRun run = CliRun.against(server, "status", "--tls", "--timeout", "2s");
		assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.REDIS_UNAVAILABLE);
		assertThat(run.err()).startsWith("Cannot reach Redis at rediss://127.0.0.1:" + server.port() + ": ");
	}

	@Test
	void plainTextToATlsPortIsExitThreeWithinTheTimeout() {
		long started = System.nanoTime();
		CliRun run = CliRun.against(server, "status", "--timeout", "2s");
		long tookMs = (System.nanoTime() - started) / 1_000_000;
		assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.REDIS_UNAVAILABLE);
		assertThat(tookMs).isLessThan(8000);
	}

	@Test
	void certAndKeyGoTogether() {
		CliRun run = CliRun.of("status", "--tls", "--cert", certificates.clientCertificate().toString());
		assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
		assertThat(run.err()).startsWith("Options '--cert' and '--key' go together");
	}

}
