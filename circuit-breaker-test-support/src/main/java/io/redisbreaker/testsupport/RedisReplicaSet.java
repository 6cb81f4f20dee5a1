package io.redisbreaker.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A master and N replicas ({@code --replicaof}), as {@code redis-server} processes on loopback.
 *
 * <p>{@link #master()} and {@link #replicas()} describe the topology as started; after a promotion
 * or a sentinel failover, ask the servers ({@link #currentMaster()}, {@link RedisServer#role()}).
 * If the extra arguments contain {@code --requirepass}, replicas also get the matching {@code
 * --masterauth}.
 */
public final class RedisReplicaSet implements AutoCloseable {

	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

	private final RedisServer master;
	private final List<RedisServer> replicas;

	private RedisReplicaSet(RedisServer master, List<RedisServer> replicas) {
		this.master = master;
		this.replicas = List.copyOf(replicas);
	}

	/**
	 * Starts a master and {@code replicaCount} replicas and waits until every replica's link to the
	 * master is up.
	 *
	 * @param extraArgs extra {@code redis-server} arguments for every server
	 */
	public static RedisReplicaSet start(int replicaCount, String... extraArgs) {
		if (replicaCount < 0) {
			throw new IllegalArgumentException("replicaCount must be >= 0");
		}
		List<RedisServer> started = new ArrayList<>();
		try {
			RedisServer master = ProcessRedisServer.launch(Arrays.asList(extraArgs), null);
			started.add(master);
			List<String> replicaArgs = new ArrayList<>(Arrays.asList(extraArgs));
			if (master.password() != null) {
				replicaArgs.addAll(List.of("--masterauth", master.password()));
			}
			replicaArgs.addAll(List.of("--replicaof", master.host(), Integer.toString(master.port())));
			List<RedisServer> replicas = new ArrayList<>();
			for (int i = 0; i < replicaCount; i++) {
				RedisServer replica = ProcessRedisServer.launch(replicaArgs, null);
				started.add(replica);
				replicas.add(replica);
			}
			RedisReplicaSet set = new RedisReplicaSet(master, replicas);
			set.awaitReplicasUp(DEFAULT_TIMEOUT);
			return set;
		} catch (RuntimeException | Error e) {
			started.forEach(RedisServer::close);
			throw e;
		}
	}

	/** The server started as master. */
	public RedisServer master() {
		return master;
	}

	/** The servers started as replicas. */
	public List<RedisServer> replicas() {
		return replicas;
	}

	/** Master first, then replicas. */
	public List<RedisServer> servers() {
		List<RedisServer> all = new ArrayList<>();
		all.add(master);
		all.addAll(replicas);
		return all;
	}

	/** The single running server whose {@code ROLE} is master, if there is exactly one. */
	public Optional<RedisServer> currentMaster() {
		List<RedisServer> masters = new ArrayList<>();
		for (RedisServer server : servers()) {
			if (server.isRunning() && "master".equals(roleOrNull(server))) {
				masters.add(server);
			}
		}
		return masters.size() == 1 ? Optional.of(masters.get(0)) : Optional.empty();
	}

	/** Waits until every started replica reports {@code master_link_status:up}. */
	public void awaitReplicasUp(Duration timeout) {
		for (RedisServer replica : replicas) {
			awaitLinkUp(replica, timeout);
		}
		Await.until(timeout,
				() -> Long.parseLong(master.info("replication").getOrDefault("connected_slaves", "0"))
						>= replicas.size(),
				"master " + master + " to list " + replicas.size() + " connected replicas");
	}

	/** Turns {@code server} into a master: {@code REPLICAOF NO ONE}. */
	public static void promote(RedisServer server) {
		server.command("REPLICAOF", "NO", "ONE");
	}

	/** Turns {@code server} into a replica of {@code master}: {@code REPLICAOF host port}. */
	public static void demote(RedisServer server, RedisServer master) {
		server.command("REPLICAOF", master.host(), Integer.toString(master.port()));
	}

	/** Waits until {@code replica} reports {@code master_link_status:up}. */
	public static void awaitLinkUp(RedisServer replica, Duration timeout) {
		Await.until(timeout,
				() -> "up".equals(replica.info("replication").get("master_link_status")),
				"replica " + replica + " to report master_link_status:up");
	}

	/** Kills every server. */
	@Override
	public void close() {
		RuntimeException failure = null;
		for (RedisServer server : servers()) {
			try {
				server.close();
			} catch (RuntimeException e) {
				failure = failure == null ? e : failure;
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

	static String roleOrNull(RedisServer server) {
		try {
			return server.role();
		} catch (RuntimeException e) {
			return "";
		}
	}

	static Map<String, String> infoOrEmpty(RedisServer server, String section) {
		try {
			return server.info(section);
		} catch (RuntimeException e) {
			return Map.of();
		}
	}
}
