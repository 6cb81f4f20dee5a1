package io.redisbreaker.testsupport;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A Redis Cluster of N masters with R replicas each, as {@code redis-server} processes on
 * loopback ({@code --cluster-node-timeout 2000} unless overridden).
 *
 * <p>The cluster is assembled with {@code CLUSTER ADDSLOTSRANGE / MEET / REPLICATE} rather than
 * {@code redis-cli --cluster create}: each node's cluster bus gets its own free port ({@code
 * --cluster-port}) because port+10000 can exceed 65535 for ports from the ephemeral range, and
 * {@code redis-cli --cluster create} would assume port+10000. It also needs no redis-cli.
 *
 * <p>{@link #masters()} and {@link #replicas()} describe the topology as created; after a
 * failover, ask the cluster ({@link #masterPortForSlot}, {@link #replicaPortsOf}).
 */
public final class RedisCluster implements AutoCloseable {

	public static final int SLOTS = 16384;
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

	private final List<ProcessRedisServer> masters;
	private final List<ProcessRedisServer> replicas;

	private RedisCluster(List<ProcessRedisServer> masters, List<ProcessRedisServer> replicas) {
		this.masters = List.copyOf(masters);
		this.replicas = List.copyOf(replicas);
	}

	/**
	 * Starts and assembles the cluster, then waits until every node reports {@code
	 * cluster_state:ok}, knows every node, and every replica is attached to its master.
	 *
	 * @param masterCount at least 1
	 * @param replicasPerMaster at least 0
	 * @param extraArgs extra {@code redis-server} arguments for every node
	 */
	public static RedisCluster start(int masterCount, int replicasPerMaster, String... extraArgs) {
		if (masterCount < 1 || replicasPerMaster < 0) {
			throw new IllegalArgumentException("Need masterCount >= 1 and replicasPerMaster >= 0");
		}
		List<String> args = new ArrayList<>(List.of(
				"--cluster-enabled", "yes", "--cluster-node-timeout", "2000"));
		args.addAll(Arrays.asList(extraArgs));
		String password = RedisServer.optionValue(args, "--requirepass");
		if (password != null) {
			args.addAll(List.of("--masterauth", password));
		}
		List<ProcessRedisServer> masters = new ArrayList<>();
		List<ProcessRedisServer> replicas = new ArrayList<>();
		try {
			for (int i = 0; i < masterCount; i++) {
				masters.add(ProcessRedisServer.launch(args, null));
			}
			for (int i = 0; i < masterCount * replicasPerMaster; i++) {
				replicas.add(ProcessRedisServer.launch(args, null));
			}
			RedisCluster cluster = new RedisCluster(masters, replicas);
			cluster.assemble(replicasPerMaster, DEFAULT_TIMEOUT);
			return cluster;
		} catch (RuntimeException | Error e) {
			masters.forEach(RedisServer::close);
			replicas.forEach(RedisServer::close);
			throw e;
		}
	}

	private void assemble(int replicasPerMaster, Duration timeout) {
		List<ProcessRedisServer> nodes = typedNodes();
		// Distinct epochs up front spare the cluster its epoch-collision resolution rounds.
		for (int i = 0; i < nodes.size(); i++) {
			nodes.get(i).command("CLUSTER", "SET-CONFIG-EPOCH", Integer.toString(i + 1));
		}
		for (int i = 0; i < masters.size(); i++) {
			int first = i * SLOTS / masters.size();
			int last = (i + 1) * SLOTS / masters.size() - 1;
			masters.get(i).command("CLUSTER", "ADDSLOTSRANGE", Integer.toString(first),
					Integer.toString(last));
		}
		ProcessRedisServer seed = nodes.get(0);
		for (ProcessRedisServer node : nodes.subList(1, nodes.size())) {
			seed.command("CLUSTER", "MEET", node.host(), Integer.toString(node.port()),
					Integer.toString(node.clusterBusPort()));
		}
		for (ProcessRedisServer node : nodes) {
			Await.until(timeout,
					() -> {
						List<ClusterNode> known = clusterNodes(node);
						return known.size() == nodes.size()
								&& known.stream().noneMatch(n -> n.hasFlag("handshake") || n.hasFlag("noaddr"));
					},
					"node " + node + " to know all " + nodes.size() + " nodes");
		}
		for (int i = 0; i < replicas.size(); i++) {
			ProcessRedisServer replica = replicas.get(i);
			String masterId = String.valueOf(masters.get(i / replicasPerMaster).command("CLUSTER", "MYID"));
			// Fails with "Unknown node" until gossip has told the replica that this node is a master.
			Await.until(timeout,
					() -> "OK".equals(replica.command("CLUSTER", "REPLICATE", masterId)),
					"node " + replica + " to accept CLUSTER REPLICATE " + masterId);
		}
		awaitStable(timeout);
	}

	/**
	 * Waits until every running node reports {@code cluster_state:ok}, its {@code CLUSTER SLOTS}
	 * covers all slots, and its {@code CLUSTER NODES} shows as many slot-owning masters as the
	 * cluster was created with and every other running node as a healthy replica; and until every
	 * running replica's link to its master is up. Use it after restarting or killing nodes too.
	 */
	public void awaitStable(Duration timeout) {
		List<RedisServer> running = nodes().stream().filter(RedisServer::isRunning).toList();
		int expectedReplicas = running.size() - masters.size();
		for (RedisServer node : running) {
			Await.until(timeout, () -> {
				Map<String, String> info =
						RedisServer.parseInfo(String.valueOf(node.command("CLUSTER", "INFO")));
				if (!"ok".equals(info.get("cluster_state")) || coveredSlots(node) != SLOTS) {
					return false;
				}
				List<ClusterNode> view = clusterNodes(node);
				long owningMasters = view.stream()
						.filter(n -> n.hasFlag("master") && !n.hasFlag("fail") && n.ownsSlots).count();
				long healthyReplicas = view.stream()
						.filter(n -> n.hasFlag("slave") && !n.hasFlag("fail") && n.masterId != null).count();
				return owningMasters == masters.size() && healthyReplicas == expectedReplicas
						&& ("master".equals(node.role())
								|| "up".equals(node.info("replication").get("master_link_status")));
			}, "node " + node + " to see a healthy cluster of " + masters.size() + " masters and "
					+ expectedReplicas + " replicas");
		}
	}

	/** Nodes created as masters. */
	public List<RedisServer> masters() {
		return List.copyOf(masters);
	}

	/** Nodes created as replicas, grouped by master: the first R replicate master 0, and so on. */
	public List<RedisServer> replicas() {
		return List.copyOf(replicas);
	}

	/** Masters first, then replicas. */
	public List<RedisServer> nodes() {
		return List.copyOf(typedNodes());
	}

	public List<Integer> nodePorts() {
		return typedNodes().stream().map(RedisServer::port).toList();
	}

	/** {@code host:port} of every node, comma separated, as Spring's cluster nodes property. */
	public String nodeAddresses() {
		return String.join(",", typedNodes().stream().map(n -> n.host() + ":" + n.port()).toList());
	}

	/** The node listening on {@code port}. */
	public RedisServer node(int port) {
		return typedNodes().stream().filter(n -> n.port() == port).findFirst()
				.orElseThrow(() -> new IllegalArgumentException("No cluster node on port " + port));
	}

	/** The hash slot of {@code key}, honouring {@code {hash tags}}, as CLUSTER KEYSLOT computes. */
	public static int slot(String key) {
		byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
		int start = 0;
		int end = bytes.length;
		int open = indexOf(bytes, (byte) '{', 0);
		if (open >= 0) {
			int close = indexOf(bytes, (byte) '}', open + 1);
			if (close > open + 1) {
				start = open + 1;
				end = close;
			}
		}
		return crc16(bytes, start, end) & (SLOTS - 1);
	}

	/** The port of the master serving {@code slot}, as a running node sees it right now. */
	public int masterPortForSlot(int slot) {
		for (List<?> range : slotRanges(anyRunningNode())) {
			if (toInt(range.get(0)) <= slot && slot <= toInt(range.get(1))) {
				return toInt(((List<?>) range.get(2)).get(1));
			}
		}
		throw new IllegalStateException("No master serves slot " + slot);
	}

	public int masterPortForKey(String key) {
		return masterPortForSlot(slot(key));
	}

	/** Ports of the replicas of the master on {@code masterPort}, as a running node sees it now. */
	public List<Integer> replicaPortsOf(int masterPort) {
		List<ClusterNode> known = clusterNodes(anyRunningNode());
		String masterId = known.stream().filter(n -> n.port == masterPort).map(n -> n.id).findFirst()
				.orElseThrow(() -> new IllegalArgumentException("No cluster node on port " + masterPort));
		return known.stream().filter(n -> masterId.equals(n.masterId) && !n.hasFlag("fail"))
				.map(n -> n.port).toList();
	}

	/**
	 * Sends {@code CLUSTER FAILOVER [options]} to the replica on {@code replicaPort} and waits until
	 * it is a master that every running node sees owning its slots, with the cluster state ok.
	 *
	 * @param options none for a coordinated failover, or {@code FORCE} / {@code TAKEOVER} when the
	 *     master is unreachable
	 */
	public void failover(int replicaPort, Duration timeout, String... options) {
		RedisServer replica = node(replicaPort);
		List<String> command = new ArrayList<>(List.of("CLUSTER", "FAILOVER"));
		command.addAll(Arrays.asList(options));
		replica.command(command.toArray(String[]::new));
		Await.until(timeout, () -> "master".equals(replica.role())
						&& nodes().stream().filter(RedisServer::isRunning)
								.allMatch(n -> ownsSlots(n, replicaPort) && "ok".equals(RedisServer.parseInfo(
										String.valueOf(n.command("CLUSTER", "INFO"))).get("cluster_state"))),
				"replica on port " + replicaPort + " to become a master seen by the whole cluster");
	}

	@Override
	public void close() {
		typedNodes().forEach(RedisServer::close);
	}

	private List<ProcessRedisServer> typedNodes() {
		List<ProcessRedisServer> all = new ArrayList<>(masters);
		all.addAll(replicas);
		return all;
	}

	private RedisServer anyRunningNode() {
		return typedNodes().stream().filter(RedisServer::isRunning).findFirst()
				.orElseThrow(() -> new IllegalStateException("No cluster node is running"));
	}

	private static boolean ownsSlots(RedisServer observer, int port) {
		return slotRanges(observer).stream()
				.anyMatch(range -> toInt(((List<?>) range.get(2)).get(1)) == port);
	}

	private static int coveredSlots(RedisServer node) {
		int covered = 0;
		for (List<?> range : slotRanges(node)) {
			covered += toInt(range.get(1)) - toInt(range.get(0)) + 1;
		}
		return covered;
	}

	private static List<List<?>> slotRanges(RedisServer node) {
		Object reply = node.command("CLUSTER", "SLOTS");
		List<List<?>> ranges = new ArrayList<>();
		if (reply instanceof List<?> list) {
			for (Object range : list) {
				ranges.add((List<?>) range);
			}
		}
		return ranges;
	}

	private static int toInt(@Nullable Object value) {
		return Integer.parseInt(String.valueOf(value));
	}

	/** One line of CLUSTER NODES. */
	private static final class ClusterNode {
		final String id;
		final int port;
		final List<String> flags;
		final @Nullable String masterId;
		final boolean ownsSlots;

		ClusterNode(String line) {
			String[] fields = line.split(" ");
			id = fields[0];
			String address = fields[1];
			int colon = address.lastIndexOf(':');
			int at = address.indexOf('@');
			port = colon < 0 ? 0 : Integer.parseInt(address.substring(colon + 1, at < 0 ? address.length() : at));
			flags = Arrays.asList(fields[2].split(","));
			masterId = "-".equals(fields[3]) ? null : fields[3];
			ownsSlots = fields.length > 8;
		}

		boolean hasFlag(String flag) {
			return flags.contains(flag);
		}
	}

	private static List<ClusterNode> clusterNodes(RedisServer node) {
		List<ClusterNode> result = new ArrayList<>();
		for (String line : String.valueOf(node.command("CLUSTER", "NODES")).split("\n")) {
			if (!line.isBlank()) {
				result.add(new ClusterNode(line.trim()));
			}
		}
		return result;
	}

	private static int indexOf(byte[] bytes, byte value, int from) {
		for (int i = from; i < bytes.length; i++) {
			if (bytes[i] == value) {
				return i;
			}
		}
		return -1;
	}

	/** CRC16-CCITT (XModem), the checksum Redis Cluster uses for key slots. */
	private static int crc16(byte[] bytes, int start, int end) {
		int crc = 0;
		for (int i = start; i < end; i++) {
			crc ^= (bytes[i] & 0xff) << 8;
			for (int bit = 0; bit < 8; bit++) {
				crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
			}
		}
		return crc & 0xffff;
	}
}
