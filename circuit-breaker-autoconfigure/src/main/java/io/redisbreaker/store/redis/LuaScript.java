package io.redisbreaker.store.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

/**
 * One breaker script: {@code common.lua} followed by the operation's own file. Runs with EVALSHA and
 * falls back to EVAL when the server does not know the script (after a restart or failover the script
 * cache is empty), which also loads it for the next call.
 */
final class LuaScript {

	private static final String COMMON = "common.lua";

	private final String name;

	private final String source;

	private final String sha1;

	private LuaScript(String name, String source) {
		this.name = name;
		this.source = source;
		this.sha1 = sha1(source);
	}

	static LuaScript load(String file) {
		return new LuaScript(file, read(COMMON) + "\n" + read(file));
	}

	String name() {
		return this.name;
	}

	String sha1() {
		return this.sha1;
	}

	/**
	 * Loads the scripts into the server's script cache. Without it, the first run of each script after
	 * a start answers NOSCRIPT and is sent again as EVAL, after commands sent behind it on the same
	 * connection: an outcome would count after the read that follows it.
	 */
	static CompletionStage<Void> loadAll(RedisClusterAsyncCommands<byte[], byte[]> commands, LuaScript... scripts) {
		CompletableFuture<?>[] loads = new CompletableFuture<?>[scripts.length];
		for (int i = 0; i < scripts.length; i++) {
			loads[i] = commands.scriptLoad(scripts[i].source).toCompletableFuture();
		}
		return CompletableFuture.allOf(loads);
	}

	CompletionStage<List<Object>> run(RedisClusterAsyncCommands<byte[], byte[]> commands, byte[][] keys,
			byte[]... args) {
		return run(commands, () -> {
		}, keys, args);
	}

	/**
	 * @param missing told when the server did not know the script (SCRIPT FLUSH, a restart, a failover
	 * to a server without it), before it is sent whole
	 */
	CompletionStage<List<Object>> run(RedisClusterAsyncCommands<byte[], byte[]> commands, Runnable missing,
			byte[][] keys, byte[]... args) {
		CompletableFuture<List<Object>> evalSha = commands
			.<List<Object>>evalsha(this.sha1, ScriptOutputType.MULTI, keys, args)
			.toCompletableFuture();
		return evalSha.exceptionallyCompose((failure) -> {
			if (unwrap(failure) instanceof RedisNoScriptException) {
				missing.run();
				return eval(commands, keys, args);
			}
			return CompletableFuture.failedFuture(failure);
		});
	}

	/** Sends the script whole (EVAL), as after a cache flush; {@link #run} is the common way. */
	CompletionStage<List<Object>> eval(RedisClusterAsyncCommands<byte[], byte[]> commands, byte[][] keys,
			byte[]... args) {
		return commands.eval(this.source, ScriptOutputType.MULTI, keys, args);
	}

	private static Throwable unwrap(Throwable failure) {
		Throwable current = failure;
		while (current.getCause() != null && current instanceof java.util.concurrent.CompletionException) {
			current = current.getCause();
		}
		return current;
	}

	private static String read(String file) {
		try (InputStream in = LuaScript.class.getResourceAsStream(file)) {
			if (in == null) {
				throw new IllegalStateException("Breaker script " + file + " is missing from the classpath");
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read breaker script " + file, ex);
		}
	}

	private static String sha1(String source) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-1 is required by every Java runtime", ex);
		}
	}

}
