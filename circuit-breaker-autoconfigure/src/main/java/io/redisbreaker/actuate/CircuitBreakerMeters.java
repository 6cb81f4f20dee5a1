package io.redisbreaker.actuate;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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

	private final Map<String, Set<Meter>> meters = new ConcurrentHashMap<>();

	private final Set<String> gauged = ConcurrentHashMap.newKeySet();

	// Breakers whose call meters are registered, by the object they read (a replaced breaker gets new ones).
	private final Map<String, CircuitBreaker> withCallMeters = new ConcurrentHashMap<>();

	// The call meters registered for the breaker in withCallMeters.
	private final Map<String, List<Meter>> callMeters = new ConcurrentHashMap<>();

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
		for (CircuitBreaker breaker : this.registry.getAllCircuitBreakers()) {
			if (!breaker.isOverLimit()) {
				names.add(breaker.getName());
				if (this.withCallMeters.get(breaker.getName()) != breaker) {
					this.withCallMeters.put(breaker.getName(), breaker);
					// Meters of a replaced breaker read its old counts, and registering the same name and tags again
					// would hand them back: they go first.
					List<Meter> before = this.callMeters.remove(breaker.getName());
					if (before != null) {
						before.forEach(meterRegistry::remove);
						Set<Meter> known = this.meters.get(breaker.getName());
						if (known != null) {
							before.forEach(known::remove);
						}
					}
					List<Meter> added = callMeters(meterRegistry, breaker);
					this.callMeters.put(breaker.getName(), added);
					add(breaker.getName(), added);
				}
			}
		}
		for (String name : names) {
			if (this.gauged.add(name)) {
				add(name, List.of(stateGauge(meterRegistry, name)));
			}
		}
		for (String name : Set.copyOf(this.meters.keySet())) {
			if (!names.contains(name)) {
				Set<Meter> gone = this.meters.remove(name);
				this.withCallMeters.remove(name);
				this.callMeters.remove(name);
				this.gauged.remove(name);
				if (gone != null) {
					gone.forEach(meterRegistry::remove);
				}
			}
		}
	}

	private void add(String name, List<Meter> added) {
		this.meters.computeIfAbsent(name, (key) -> ConcurrentHashMap.newKeySet()).addAll(added);
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
			add(transition.circuitBreakerName(), List.of(counter));
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
