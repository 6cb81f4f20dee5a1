package io.redisbreaker.store.redis;

/**
 * Redis refused one of the circuit breakers' commands, keys or channels to the configured user's
 * ACL. The message names what was refused and the ACL that permits everything the breakers do; it
 * keeps Redis's own refusal text, so it is classified as a permission refusal like the cause.
 */
public final class PermissionRefusedException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	PermissionRefusedException(BreakerKeys keys, String refused, Throwable cause) {
		super(message(keys, refused), cause);
	}

	PermissionRefusedException(BreakerKeys keys, String refused) {
		super(message(keys, refused));
	}

	private static String message(BreakerKeys keys, String refused) {
		return "Redis refuses the circuit breakers' commands for the configured user (" + refused
				+ "); give the user of spring.data.redis.username what the breakers need: ACL SETUSER <user> "
				+ BreakerAcl.rules(keys);
	}

}
