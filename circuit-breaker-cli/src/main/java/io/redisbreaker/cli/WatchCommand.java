package io.redisbreaker.cli;

import java.net.SocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code watch [NAME...]}: every transition as an instance (or another operator) makes it, heard on
 * the transition channel the instances themselves listen to, one line each, until interrupted or
 * bounded by {@code --count} or {@code --duration}. Pub/Sub keeps nothing: what happened before the
 * subscription is in {@code history}.
 */
@Command(abbreviateSynopsis = true, name = "watch", sortOptions = false,
		description = { "Prints transitions as they happen, one line each, until interrupted (Ctrl-C), --count or --duration.",
				"Says on standard error once it listens, so a script can start the change it waits for." })
final class WatchCommand extends BreakerCommand {

	@Parameters(arity = "0..*", paramLabel = "NAME", description = "Only these breakers (default: all).")
	private List<String> names = List.of();

	@Option(names = "--count", paramLabel = "N", description = "Stop after N transitions.")
	private @Nullable Integer count;

	@Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
			description = "Stop after this long (5s, 2m), with exit code 0 whether anything happened or not.")
	private @Nullable Duration duration;

	@Option(names = "--json", description = "Print one JSON object per transition (JSON lines).")
	private boolean json;

	@Override
	void check() {
		this.names.forEach(this::validName);
		if (this.count != null && this.count < 1) {
			throw new ParameterException(this.spec.commandLine(),
					"Invalid value for option '--count': " + this.count + "; expected at least 1");
		}
		if (this.duration != null && (this.duration.isNegative() || this.duration.isZero())) {
			throw new ParameterException(this.spec.commandLine(),
					"Invalid value for option '--duration': " + this.duration + "; expected a positive duration");
		}
	}

	@Override
	int run(Fleet fleet, RedisSession session) {
		String channel = session.keys().transitionChannel();
		CountDownLatch done = new CountDownLatch(1);
		AtomicInteger heard = new AtomicInteger();
		boolean[] lost = new boolean[1];
		StatefulRedisPubSubConnection<String, String> subscription = session.subscribe();
		try {
			subscription.addListener(new RedisPubSubAdapter<>() {

				@Override
				public void message(String from, String body) {
					TransitionMessage transition = TransitionMessage.parse(body, Instant.now().truncatedTo(ChronoUnit.MILLIS));
					if (transition == null || (!WatchCommand.this.names.isEmpty()
							&& !WatchCommand.this.names.contains(transition.name()))) {
						return;
					}
					print(transition);
					if (WatchCommand.this.count != null && heard.incrementAndGet() >= WatchCommand.this.count) {
						done.countDown();
					}
				}

			});
			((RedisChannelHandler<?, ?>) subscription).addListener(new RedisConnectionStateListener() {

				@Override
				public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
					lost[0] = true;
					done.countDown();
				}

				@Override
				public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
				}

			});
			fleet.await(subscription.async().subscribe(channel));
			err().println("Watching transitions on channel '" + channel + "' at " + session.target()
					+ ((this.count != null) ? " until " + this.count + " are heard" : "")
					+ ((this.duration != null) ? " for " + this.duration.toMillis() + " ms" : "")
					+ ((this.count == null && this.duration == null) ? "; Ctrl-C to stop" : ""));
			err().flush();
			if (!await(done)) {
				return ExitCodes.OK;
			}
			if (lost[0] && (this.count == null || heard.get() < this.count)) {
				throw new CliFailure(ExitCodes.REDIS_UNAVAILABLE, "Lost the connection to Redis at "
						+ session.target() + " after " + heard.get() + " transition(s); expected it to stay up");
			}
			return ExitCodes.OK;
		}
		finally {
			subscription.close();
		}
	}

	/** Lines are whole even if Lettuce delivered on two threads: one println under the writer's lock. */
	private void print(TransitionMessage transition) {
		String line = this.json ? Json.write(transition.document()) : transition.line();
		synchronized (out()) {
			out().println(line);
			out().flush();
		}
	}

	/** Whether the latch fired (count reached or connection lost) rather than the duration running out. */
	private boolean await(CountDownLatch done) {
		try {
			if (this.duration == null) {
				done.await();
				return true;
			}
			return done.await(this.duration.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}
