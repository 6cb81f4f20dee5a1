package io.redisbreaker.reliability;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.stereotype.Component;

/** The dependency the protected service calls: succeeds, fails, or hangs for a while, as told. */
@Component
public class Upstream {

	public enum Mode {

		SUCCEED, FAIL, HANG

	}

	/** What the upstream threw. */
	public static final class UpstreamFailure extends RuntimeException {

		private static final long serialVersionUID = 1L;

		public UpstreamFailure(String message) {
			super(message, null, false, false);
		}

	}

	private volatile Mode mode = Mode.SUCCEED;

	private volatile Duration hang = Duration.ofSeconds(5);

	private final AtomicLong calls = new AtomicLong();

	public void set(Mode mode, Duration hang) {
		this.mode = mode;
		this.hang = hang;
	}

	public Mode mode() {
		return this.mode;
	}

	public long calls() {
		return this.calls.get();
	}

	/** One call: answers, throws {@link UpstreamFailure}, or hangs for the hang time and then answers. */
	public String call() {
		this.calls.incrementAndGet();
		switch (this.mode) {
			case FAIL:
				throw new UpstreamFailure("upstream down");
			case HANG:
				try {
					Thread.sleep(this.hang.toMillis());
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new UpstreamFailure("interrupted while hanging");
				}
				return "late";
			default:
				return "ok";
		}
	}

}
