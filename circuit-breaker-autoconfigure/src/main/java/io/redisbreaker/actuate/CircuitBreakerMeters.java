package io.redisbreaker.actuate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.redisbreaker.core.CallCounts;
import io.redisbreaker.core.CircuitBreaker;
import io.redisbreaker.core.CircuitBreakerRegistry;
import io.redisbreaker.core.CircuitState;
import io.redisbreaker.core.StateTransition;
import io.redisbreaker.core.TransitionListener;
import org.jspecify.annotations.Nullable;

/**
 * The breakers' Micrometer meters, in the names of the source guide so its PromQL works unchanged
 * ({@code circuit_breaker_state}, {@code circuit_breaker_failures_total}, ...). Every breaker of the
 * fleet gets the state gauge, which shows the shared state (from {@link FleetStates}, so a scrape costs
 * no Redis round trip); breakers this JVM uses also get its call counters and timer. Meters follow the
 * fleet: they are added when a breaker appears and removed when it is no longer used anywhere, so their
 * number is bounded by {@code circuitbreaker.max-breakers}.
 */
public final class CircuitBreakerMeters implements MeterBinder, TransitionListener {

	/** The value of {@code circuit.breaker.state} per state. */
	public static double stateCode(CircuitState state) {
		return switch (state) {
			case CLOSED -> 0;
			case OPEN -> 1;
			case HALF_OPEN -> 2;
			case FORCED_OPEN -> 3;
			case DISABLED -> 4;
		};
	}

	private final CircuitBreakerRegistry registry;

	private final FleetStates fleet;

	private final List<String> nameTags;

	// Guarded by this: sync() and onTransition() change it, from the fleet's refresh thread and others.
	private final Map<String, NameMeters> meters = new HashMap<>();

	/**
	 * The meters of one name: its state gauge, the call meters of this JVM's breaker (with the breaker
	 * they read, so a replaced breaker gets new ones), and its transition counters.
	 */
	private static final class NameMeters {

		private final Meter gauge;

		private @Nullable CircuitBreaker counted;

		private List<Meter> calls = List.of();

		private final Set<Meter> transitions = new HashSet<>();

		NameMeters(Meter gauge) {
			this.gauge = gauge;
		}

		void removeFrom(MeterRegistry meterRegistry) {
			meterRegistry.remove(this.gauge);
			this.calls.forEach(meterRegistry::remove);
			this.transitions.forEach(meterRegistry::remove);
		}

	}

	private volatile @Nullable MeterRegistry meterRegistry;

	/**
	 * @param nameTags the tags a name's {@code /}-separated parts become ({@code circuitbreaker.metrics.name-tags})
	 */
	public CircuitBreakerMeters(CircuitBreakerRegistry registry, FleetStates fleet, List<String> nameTags) {
		this.registry = registry;
		this.fleet = fleet;
		this.nameTags = List.copyOf(nameTags);
	}

	@Override
	public void bindTo(MeterRegistry meterRegistry) {
		this.meterRegistry = meterRegistry;
		FunctionCounter.builder("circuit.breaker.over.limit.calls", this.registry,
				CircuitBreakerRegistry::getOverLimitRequests)
			.description("Breakers asked for beyond circuitbreaker.max-breakers (their calls ran unprotected or were denied)")
			.register(meterRegistry);
		this.fleet.onRefresh(this::sync);
		sync();
	}

	/**
	 * Adds the meters of breakers that appeared (in the fleet or in this JVM) and removes those of
	 * breakers no longer used anywhere. Synchronized: the fleet's refresh thread and a caller may sync
	 * at once, and one working from an older list of names must not remove what the other just added.
	 */
	public synchronized void sync() {
		MeterRegistry meterRegistry = this.meterRegistry;
		if (meterRegistry == null) {
			return;
		}
		Set<String> names = new HashSet<>(this.fleet.states().keySet());
		List<CircuitBreaker> here = new ArrayList<>();
		for (CircuitBreaker breaker : this.registry.getAllCircuitBreakers()) {
			if (!breaker.isOverLimit()) {
				names.add(breaker.getName());
				here.add(breaker);
			}
		}
		this.meters.entrySet().removeIf((entry) -> {
			boolean gone = !names.contains(entry.getKey());
			if (gone) {
				entry.getValue().removeFrom(meterRegistry);
			}
			return gone;
		});
		for (String name : names) {
			meters(meterRegistry, name);
		}
		for (CircuitBreaker breaker : here) {
			NameMeters meters = meters(meterRegistry, breaker.getName());
			if (meters.counted != breaker) {
				// Meters of a replaced breaker read its old counts, and registering the same name and tags
				// again would hand them back: they go first.
				meters.calls.forEach(meterRegistry::remove);
				meters.calls = callMeters(meterRegistry, breaker);
				meters.counted = breaker;
			}
		}
	}

	private NameMeters meters(MeterRegistry meterRegistry, String name) {
		return this.meters.computeIfAbsent(name, (key) -> new NameMeters(stateGauge(meterRegistry, key)));
	}

	private Meter stateGauge(MeterRegistry meterRegistry, String name) {
		return Gauge.builder("circuit.breaker.state", this.fleet, (fleet) -> {
			FleetStates.Known known = fleet.state(name);
			return (known != null) ? stateCode(known.state()) : Double.NaN;
		})
			.tags(tags(name))
			.description("The shared state: 0 CLOSED, 1 OPEN, 2 HALF_OPEN, 3 FORCED_OPEN, 4 DISABLED")
			.register(meterRegistry);
	}

	private List<Meter> callMeters(MeterRegistry meterRegistry, CircuitBreaker breaker) {
		Tags tags = tags(breaker.getName());
		CallCounts counts = breaker.getCallCounts();
		List<Meter> meters = new ArrayList<>();
		meters.add(FunctionCounter.builder("circuit.breaker.successes", counts, CallCounts::successfulCalls)
			.tags(tags).description("Successful calls on this instance").register(meterRegistry));
		meters.add(FunctionCounter.builder("circuit.breaker.failures", counts, CallCounts::failedCalls)
			.tags(tags).description("Failed calls on this instance").register(meterRegistry));
		meters.add(FunctionCounter.builder("circuit.breaker.slow.calls", counts, CallCounts::slowCalls)
			.tags(tags).description("Calls slower than the slow-call duration threshold on this instance")
			.register(meterRegistry));
		meters.add(FunctionCounter.builder("circuit.breaker.not.permitted.calls", counts, CallCounts::notPermittedCalls)
			.tags(tags).description("Calls the breaker did not permit on this instance").register(meterRegistry));
		meters.add(callTimer(meterRegistry, tags, "successful", counts, CallCounts::successfulCalls,
				CallCounts::successfulTime));
		meters.add(callTimer(meterRegistry, tags, "failed", counts, CallCounts::failedCalls, CallCounts::failedTime));
		meters.add(callTimer(meterRegistry, tags, "ignored", counts, CallCounts::ignoredCalls, CallCounts::ignoredTime));
		return meters;
	}

	private interface Time {

		double of(CallCounts counts, TimeUnit unit);

	}

	private static Meter callTimer(MeterRegistry meterRegistry, Tags tags, String outcome, CallCounts counts,
			ToLongFunction<CallCounts> count, Time time) {
		return FunctionTimer
			.builder("circuit.breaker.calls", counts, count, (c) -> time.of(c, TimeUnit.NANOSECONDS), TimeUnit.NANOSECONDS)
			.tags(tags.and("outcome", outcome))
			.description("Durations of the calls on this instance, by outcome")
			.register(meterRegistry);
	}

	/** Counts the transitions this instance made, by from and to (sum over instances for the fleet). */
	@Override
	public void onTransition(StateTransition transition) {
		MeterRegistry meterRegistry = this.meterRegistry;
		if (meterRegistry == null || !transition.local()) {
			return;
		}
		Counter counter;
		synchronized (this) {
			counter = Counter.builder("circuit.breaker.transitions")
				.tags(tags(transition.circuitBreakerName()).and("from", transition.from().name(), "to",
						transition.to().name()))
				.description("State transitions this instance made")
				.register(meterRegistry);
			meters(meterRegistry, transition.circuitBreakerName()).transitions.add(counter);
		}
		counter.increment();
	}

	/** {@code name}, and with name tags configured, one tag per {@code /}-separated part of the name. */
	Tags tags(String name) {
		List<Tag> tags = new ArrayList<>();
		tags.add(Tag.of("name", name));
		if (!this.nameTags.isEmpty()) {
			String[] parts = name.split("/", this.nameTags.size());
			for (int i = 0; i < this.nameTags.size(); i++) {
				tags.add(Tag.of(this.nameTags.get(i), (i < parts.length) ? parts[i] : ""));
			}
		}
		return Tags.of(tags);
	}

}
