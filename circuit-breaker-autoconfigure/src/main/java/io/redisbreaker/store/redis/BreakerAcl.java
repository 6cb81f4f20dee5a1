package io.redisbreaker.store.redis;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The least a Redis ACL user needs for the circuit breakers: the commands below, on the keys
 * {@code <prefix>*} and the channel {@code <prefix>transitions}. The README's "Redis security"
 * section shows these very lines; the application's own Redis calls need their own permissions on
 * top. The connection handshake needs nothing more ({@code HELLO} and {@code AUTH} are open to
 * every user).
 */
public final class BreakerAcl {

	/**
	 * Every command the breakers send, lower case: the scripts and the commands they run (a command
	 * inside a script needs the same permission as one sent directly), the name index, the transition
	 * channel and the probe.
	 */
	public static final List<String> COMMANDS = List.of(
			// The scripts: loaded once per connection, run by SHA, sent whole after a script cache flush.
			"evalsha", "eval", "script|load",
			// The state hash and the sliding window.
			"hset", "hget", "hmget", "hgetall", "hincrby", "hdel",
			// The failure streak and the transition events.
			"lpush", "ltrim", "lrange", "lindex",
			// Trial permits and the name index.
			"zadd", "zrem", "zrange", "zrangebyscore", "zscore", "zcard", "zcount", "zremrangebyscore",
			// Key lifetimes, and the Redis clock that every decision uses.
			"exists", "del", "pexpire", "persist", "time",
			// Transitions between instances, and the probe while Redis is out of the decision path.
			"publish", "subscribe", "ping");

	private BreakerAcl() {
	}

	/** The ACL rules without the user's name, state and password: {@code ~cb:* &cb:transitions +evalsha ...}. */
	public static String rules(BreakerKeys keys) {
		return "~" + keys.prefix() + "* &" + keys.transitionChannel() + " "
				+ COMMANDS.stream().map((command) -> "+" + command).collect(Collectors.joining(" "));
	}

	/** {@code ACL SETUSER <user> on ><password> <rules>}, for {@code redis-cli}. */
	public static String setUser(BreakerKeys keys, String user, String password) {
		return "ACL SETUSER " + user + " on >" + password + " " + rules(keys);
	}

	/** The same user as a line of an ACL file ({@code aclfile}, such as {@code users.acl}). */
	public static String aclFileLine(BreakerKeys keys, String user, String password) {
		return "user " + user + " on >" + password + " " + rules(keys);
	}

	/** The commands in upper case, separated by commas, for a message. */
	public static String commandList() {
		return COMMANDS.stream().map((command) -> command.toUpperCase(Locale.ROOT)).collect(Collectors.joining(", "));
	}

}
