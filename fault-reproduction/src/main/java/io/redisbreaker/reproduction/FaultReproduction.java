package io.redisbreaker.reproduction;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.redisbreaker.testsupport.Await;
import io.redisbreaker.testsupport.RedisReplicaSet;
import io.redisbreaker.testsupport.RedisServer;
import io.redisbreaker.testsupport.TcpProxy;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Runs the fault scenarios against real redis-server processes on free loopback ports, once with
 * Spring Boot's defaults and once with the starter, and prints a table of failed requests and time to
 * recover. Needs {@code redis-server} on the PATH; never touches a server on port 6379.
 * <p>
 * Run: {@code java -jar fault-reproduction/target/fault-reproduction-*.jar [window-seconds]}
 */
public final class FaultReproduction {

	/** How long each scenario watches requests after the fault. */
	static final Duration DEFAULT_WINDOW = Duration.ofSeconds(8);

	private static final Duration PAUSE = Duration.ofMillis(100);

	private final Duration window;

	FaultReproduction(Duration window) {
		this.window = window;
	}

	public static void main(String[] args) {
		Duration window = (args.length > 0) ? Duration.ofSeconds(Long.parseLong(args[0])) : DEFAULT_WINDOW;
		List<Result> results = new FaultReproduction(window).runAll();
		print(results, window, System.out);
		System.exit(0);
	}

	List<Result> runAll() {
		List<Result> results = new ArrayList<>();
		for (ClientSetup setup : ClientSetup.values()) {
			results.add(killedConnection(setup));
			results.add(droppedConnection(setup));
			results.add(restartedServer(setup));
			results.add(demotedMaster(setup));
		}
		return results;
	}

	/** The source incident's experiment: the server kills the connection before each of 10 requests. */
	Result killedConnection(ClientSetup setup) {
		try (RedisServer server = RedisServer.startProcess();
				ConfigurableApplicationContext app = setup.start(server.host(), server.port());
				RequestLoop loop = new RequestLoop(redis(app), this.window)) {
			loop.request();
			long fault = System.nanoTime();
			for (int i = 0; i < 10; i++) {
				server.command("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes");
				loop.request();
			}
			return loop.result("connection killed before each request", setup, fault);
		}
	}

	/** A firewall or NAT forgets the connection: no FIN, no RST, just silence. */
	Result droppedConnection(ClientSetup setup) {
		try (RedisServer server = RedisServer.startProcess();
				TcpProxy network = TcpProxy.start(server);
				ConfigurableApplicationContext app = setup.start(network.host(), network.port());
				RequestLoop loop = new RequestLoop(redis(app), this.window)) {
			loop.request();
			network.dropExisting();
			long fault = System.nanoTime();
			loop.requestUntilWindowCloses(PAUSE);
			return loop.result("connection silently dropped", setup, fault);
		}
	}

	/** The server goes away for two seconds and comes back on the same port. */
	Result restartedServer(ClientSetup setup) {
		try (RedisServer server = RedisServer.startProcess();
				ConfigurableApplicationContext app = setup.start(server.host(), server.port());
				RequestLoop loop = new RequestLoop(redis(app), this.window.plusSeconds(2))) {
			loop.request();
			server.stop();
			loop.requestFor(Duration.ofSeconds(2), PAUSE);
			server.start();
			long back = System.nanoTime();
			loop.requestUntilWindowCloses(PAUSE);
			return loop.result("server restarted (2 s down)", setup, back);
		}
	}

	/** A failover behind a DNS endpoint: the old master is now a replica, new connections reach the new one. */
	Result demotedMaster(ClientSetup setup) {
		try (RedisServer oldMaster = RedisServer.startProcess();
				RedisServer newMaster = RedisServer.startProcess();
				TcpProxy endpoint = TcpProxy.start(oldMaster);
				ConfigurableApplicationContext app = setup.start(endpoint.host(), endpoint.port());
				RequestLoop loop = new RequestLoop(redis(app), this.window)) {
			loop.request();
			RedisReplicaSet.demote(oldMaster, newMaster);
			endpoint.setTarget(newMaster);
			Await.until(Duration.ofSeconds(10), () -> oldMaster.role().equals("slave"), "the demotion");
			long fault = System.nanoTime();
			loop.requestUntilWindowCloses(PAUSE);
			return loop.result("master demoted (READONLY)", setup, fault);
		}
	}

	private static StringRedisTemplate redis(ConfigurableApplicationContext app) {
		return app.getBean(StringRedisTemplate.class);
	}

	static void print(List<Result> results, Duration window, PrintStream out) {
		out.printf(Locale.ROOT, "%nRedis fault reproduction (observation window %d s per scenario)%n%n",
				window.toSeconds());
		String format = "| %-38s | %-20s | %8s | %6s | %-21s | %15s |%n";
		out.printf(Locale.ROOT, format, "scenario", "client", "requests", "failed", "recovered after", "slowest request");
		out.printf(Locale.ROOT, format, "-".repeat(38), "-".repeat(20), "-".repeat(8), "-".repeat(6), "-".repeat(21),
				"-".repeat(15));
		for (Result result : results) {
			out.printf(Locale.ROOT, format, result.scenario(), result.setup().label(), result.requests(),
					result.failed(), result.recoveryText(), result.slowest().toMillis() + " ms");
		}
		out.println();
	}

}
