package io.redisbreaker.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * K Redis Sentinels (processes on loopback) monitoring the master of a {@link RedisReplicaSet}.
 *
 * <p>Each sentinel gets its own generated {@code sentinel.conf} in a private directory, because
 * sentinels rewrite their configuration file. Timings are small so failovers finish in seconds:
 * by default {@code down-after-milliseconds 1000} and {@code failover-timeout 5000}. Closing the
 * sentinels does not close the replica set.
 */
public final class RedisSentinels implements AutoCloseable {

	public static final Duration DEFAULT_DOWN_AFTER = Duration.ofMillis(1000);
	public static final Duration DEFAULT_FAILOVER_TIMEOUT = Duration.ofMillis(5000);
	/** Sentinels find each other through hello messages published every 2 s. */
	public static final Duration DISCOVERY_TIMEOUT = Duration.ofSeconds(20);

	private final String masterName;
	private final List<RedisServer> sentinels;
	private final @Nullable String masterPassword;
	private int knownMasterPort;

	private RedisSentinels(String masterName, List<RedisServer> sentinels,
			@Nullable String masterPassword, int masterPort) {
		this.masterName = masterName;
		this.sentinels = List.copyOf(sentinels);
		this.masterPassword = masterPassword;
		this.knownMasterPort = masterPort;
	}

	/** Starts sentinels with the default timings; see the six-argument variant. */
	public static RedisSentinels start(String masterName, RedisReplicaSet replicaSet, int count,
			int quorum) {
		return start(masterName, replicaSet, count, quorum, DEFAULT_DOWN_AFTER,
				DEFAULT_FAILOVER_TIMEOUT);
	}

	/**
	 * Starts {@code count} sentinels monitoring {@code replicaSet}'s current master under {@code
	 * masterName}, and waits until each one knows the master, all its replicas and all other
	 * sentinels.
	 */
	public static RedisSentinels start(String masterName, RedisReplicaSet replicaSet, int count,
			int quorum, Duration downAfter, Duration failoverTimeout) {
		if (count < 1 || quorum < 1 || quorum > count) {
			throw new IllegalArgumentException(
					"Need count >= 1 and 1 <= quorum <= count, got count=" + count + " quorum=" + quorum);
		}
		RedisServer master = replicaSet.currentMaster().orElseThrow(
				() -> new IllegalStateException("The replica set has no single running master"));
		String password = master.password();
		StringBuilder config = new StringBuilder()
				.append("sentinel monitor ").append(masterName).append(' ').append(master.host())
				.append(' ').append(master.port()).append(' ').append(quorum).append('\n')
				.append("sentinel down-after-milliseconds ").append(masterName).append(' ')
				.append(downAfter.toMillis()).append('\n')
				.append("sentinel failover-timeout ").append(masterName).append(' ')
				.append(failoverTimeout.toMillis()).append('\n')
				.append("sentinel parallel-syncs ").append(masterName).append(" 1\n");
		if (password != null) {
			config.append("sentinel auth-pass ").append(masterName).append(' ').append(password)
					.append('\n');
		}
		List<RedisServer> started = new ArrayList<>();
		try {
			for (int i = 0; i < count; i++) {
				started.add(ProcessRedisServer.launch(List.of(), config.toString()));
			}
			RedisSentinels sentinels = new RedisSentinels(masterName, started, password, master.port());
			int replicaCount = (int) replicaSet.servers().stream()
					.filter(s -> s != master && s.isRunning()).count();
			sentinels.awaitDiscovery(replicaCount, DISCOVERY_TIMEOUT);
			return sentinels;
		} catch (RuntimeException | Error e) {
			started.forEach(RedisServer::close);
			throw e;
		}
	}

	public String masterName() {
		return masterName;
	}

	/** The sentinel servers; {@link RedisServer#command} talks to a sentinel directly. */
	public List<RedisServer> sentinels() {
		return sentinels;
	}

	public List<Integer> ports() {
		return sentinels.stream().map(RedisServer::port).toList();
	}

	/** {@code host:port} of every sentinel, comma separated, as Spring's sentinel nodes property. */
	public String nodes() {
		return String.join(",", sentinels.stream().map(s -> s.host() + ":" + s.port()).toList());
	}

	/** The master port the first running sentinel reports right now. */
	public int masterPort() {
		for (RedisServer sentinel : sentinels) {
			if (sentinel.isRunning()) {
				return reportedMasterPort(sentinel);
			}
		}
		throw new IllegalStateException("No sentinel is running");
	}

	/** Waits until each sentinel knows the master, {@code replicas} replicas and its peers. */
	public void awaitDiscovery(int replicas, Duration timeout) {
		int peers = sentinels.size() - 1;
		for (RedisServer sentinel : sentinels) {
			Await.until(timeout,
					() -> size(sentinel.command("SENTINEL", "REPLICAS", masterName)) == replicas
							&& size(sentinel.command("SENTINEL", "SENTINELS", masterName)) == peers,
					"sentinel " + sentinel + " to see " + replicas + " replicas and " + peers
							+ " other sentinels of " + masterName);
		}
	}

	/**
	 * Waits until all running sentinels agree on a master other than the last one known (initially
	 * the monitored master) and that server answers {@code ROLE} with master.
	 *
	 * @return the new master's port
	 */
	public int awaitNewMaster(Duration timeout) {
		return awaitNewMaster(knownMasterPort, timeout);
	}

	/**
	 * Waits until all running sentinels agree on a master other than {@code oldPort} (the one just
	 * failed over or killed; the sentinels may have moved on from the last one known by themselves) and
	 * that server answers {@code ROLE} with master.
	 *
	 * @return the new master's port
	 */
	public int awaitNewMaster(int oldPort, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		int previous = oldPort;
		int port = Await.value(timeout, this::agreedMasterPort, p -> p > 0 && p != previous,
				"sentinels of " + masterName + " to agree on a master other than port " + previous);
		Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
		Await.until(left, () -> {
			try (RespClient client = new RespClient(Ports.LOOPBACK, port, masterPassword)) {
				return client.command("ROLE") instanceof List<?> role && "master".equals(role.get(0));
			}
		}, "the new master on port " + port + " to report ROLE master");
		knownMasterPort = port;
		return port;
	}

	@Override
	public void close() {
		sentinels.forEach(RedisServer::close);
	}

	/** The port all running sentinels report, or -1 while they disagree. */
	private int agreedMasterPort() {
		Integer agreed = null;
		for (RedisServer sentinel : sentinels) {
			if (!sentinel.isRunning()) {
				continue;
			}
			int port = reportedMasterPort(sentinel);
			if (agreed != null && agreed != port) {
				return -1;
			}
			agreed = port;
		}
		return agreed == null ? -1 : agreed;
	}

	private int reportedMasterPort(RedisServer sentinel) {
		Object reply = sentinel.command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", masterName);
		if (reply instanceof List<?> address && address.size() == 2) {
			return Integer.parseInt(String.valueOf(address.get(1)));
		}
		throw new IllegalStateException(sentinel + " does not know master " + masterName + ": "
				+ Objects.toString(reply));
	}

	private static int size(@Nullable Object reply) {
		return reply instanceof List<?> list ? list.size() : -1;
	}
}
