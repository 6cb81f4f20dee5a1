package io.redisbreaker.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import io.redisbreaker.testsupport.RedisServer;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One instance of the sample, started as its jar starts it (command line arguments, a free port),
 * and spoken to over HTTP.
 */
final class SampleInstance implements AutoCloseable {

	private final ConfigurableApplicationContext context;

	private final HttpClient http = HttpClient.newHttpClient();

	private SampleInstance(ConfigurableApplicationContext context) {
		this.context = context;
	}

	/** The sample with the dev profile's users, against {@code redis}, with more arguments. */
	static SampleInstance start(RedisServer redis, String... args) {
		List<String> all = new ArrayList<>(List.of("--server.port=0", "--spring.data.redis.host=" + redis.host(),
				"--spring.data.redis.port=" + redis.port()));
		all.addAll(List.of(args));
		return new SampleInstance(SpringApplication.run(SampleApplication.class, all.toArray(String[]::new)));
	}

	ConfigurableApplicationContext context() {
		return this.context;
	}

	int port() {
		return ((WebServerApplicationContext) this.context).getWebServer().getPort();
	}

	/** GET, anonymous; the body when the status is 200, else an assertion error naming both. */
	String get(String path) {
		return ok(send("GET", path, null, null));
	}

	String getAs(String user, String path) {
		return ok(send("GET", path, user, null));
	}

	/** POST without a body, anonymous. */
	String post(String path) {
		return ok(send("POST", path, null, null));
	}

	/** POST as {@code user} (HTTP Basic, password equal to the name as in the dev profile). */
	String postAs(String user, String path, @Nullable String json) {
		return ok(send("POST", path, user, json));
	}

	HttpResponse<String> send(String method, String path, @Nullable String user, @Nullable String json) {
		return send(method, path, user, json, null);
	}

	/** A request; {@code accept} as a browser's ({@code text/html}) or {@code null} for a script's. */
	HttpResponse<String> send(String method, String path, @Nullable String user, @Nullable String json,
			@Nullable String accept) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port() + path));
		if (accept != null) {
			request.header("Accept", accept);
		}
		if (user != null) {
			request.header("Authorization", "Basic "
					+ Base64.getEncoder().encodeToString((user + ":" + user).getBytes(StandardCharsets.UTF_8)));
		}
		if (json != null) {
			request.header("Content-Type", "application/json");
		}
		request.method(method, (json != null) ? HttpRequest.BodyPublishers.ofString(json)
				: HttpRequest.BodyPublishers.noBody());
		try {
			return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (Exception ex) {
			throw new IllegalStateException(method + " " + path + " failed", ex);
		}
	}

	private static String ok(HttpResponse<String> response) {
		if (response.statusCode() != 200) {
			throw new AssertionError(response.request().method() + " " + response.uri() + " answered "
					+ response.statusCode() + ": " + response.body());
		}
		return response.body();
	}

	@Override
	public void close() {
		this.context.close();
	}

}
