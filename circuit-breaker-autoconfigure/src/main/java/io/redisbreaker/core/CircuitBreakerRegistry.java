package io.redisbreaker.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Keeps one {@link CircuitBreaker} per name in this JVM, so two objects never report into the same
 * breaker with different settings. Creating a breaker in this JVM also adds it to the store's index,
 * which is how every instance can list every breaker.
 * <p>
 * <strong>Which settings a breaker gets.</strong> {@link #circuitBreaker(String, String)} names its
 * settings explicitly, and so does {@link #circuitBreaker(String)} for a name with its own
 * {@code circuitbreaker.instances} entry; {@link #circuitBreaker(String)} for any other name creates the
 * breaker <em>implicitly</em> with the defaults. An explicit request wins over an implicit creation: the
 * breaker is replaced by one with the requested settings (holders of the old object keep its settings,
 * while the shared state is the same). When two explicit requests for one name disagree, the first one
 * stays and the conflict is logged as a warning, once per name and configuration.
 * <p>
 * <strong>Reading never creates.</strong> {@link #find(String)}, {@link #snapshot(String)},
 * {@link #snapshot(String, String)}, {@link #getAllCircuitBreakers()} and {@link #getAllNames()} neither
 * create nor register a breaker, so a dashboard that reads a breaker before its first call does not
 * decide the breaker's settings.
 * <p>
 * <strong>Bounded.</strong> At most {@code maxBreakers} breakers exist in this JVM, and the store lists at
 * most as many across the fleet: a name asked for beyond that gets a breaker that protects nothing
 * ({@link CircuitBreaker#isOverLimit()}), which permits every call or none ({@link OverflowPolicy}).
 * Breakers unused for longer than the key TTL are dropped ({@link #evictIdle(Duration)}).
 */
public final class CircuitBreakerRegistry {

	private static final Log logger = LogFactory.getLog(CircuitBreakerRegistry.class);

	private final Map<String, Registered> breakers = new ConcurrentHashMap<>();

	// Conflicts already reported, so a protected method called per request warns once, not per call.
	private final Set<String> reportedConflicts = ConcurrentHashMap.newKeySet();

	private final BreakerStore store;

	private final CircuitBreakerConfigs configs;

	private final TransitionListener listener;

	private final String instanceId;

	private final int maxBreakers;

	private final OverflowPolicy overflowPolicy;

	private final LongAdder overLimitRequests = new LongAdder();

	// One view per name, shared by a breaker and the one that replaced it (see circuitBreaker(String, String)).
	private final Map<String, LocalView> views = new ConcurrentHashMap<>();

	private final OutcomeFlusher flusher;

	// Places taken in breakers, reserved before a breaker is created (see reserve()).
	private final AtomicInteger size = new AtomicInteger();

	// Settings differences already reported, by name and the other settings' hash.
	private final Set<String> reportedSettings = ConcurrentHashMap.newKeySet();

	public CircuitBreakerRegistry(BreakerStore store, CircuitBreakerConfigs configs, TransitionListener listener,
			String instanceId) {
		this(store, configs, listener, instanceId, DEFAULT_MAX_BREAKERS, OverflowPolicy.ALLOW);
	}

	/**
	 * @param maxBreakers the most breakers in this JVM (and, through the store, in the fleet)
	 * @param overflowPolicy what calls of breakers beyond that limit do
	 */
	public CircuitBreakerRegistry(BreakerStore store, CircuitBreakerConfigs configs, TransitionListener listener,
			String instanceId, int maxBreakers, OverflowPolicy overflowPolicy) {
		this(store, configs, listener, instanceId, maxBreakers, overflowPolicy, ViewOptions.defaults());
	}

	/**
	 * @param maxBreakers the most breakers in this JVM (and, through the store, in the fleet)
	 * @param overflowPolicy what calls of breakers beyond that limit do
	 * @param views how the local views of breakers with {@link Consistency#BOUNDED} follow the shared state
	 */
	public CircuitBreakerRegistry(BreakerStore store, CircuitBreakerConfigs configs, TransitionListener listener,
			String instanceId, int maxBreakers, OverflowPolicy overflowPolicy, ViewOptions views) {
		if (maxBreakers < 1) {
			throw new IllegalArgumentException("circuitbreaker.max-breakers must be at least 1 but was " + maxBreakers);
		}
		this.store = store;
		this.configs = configs;
		this.listener = listener;
		this.instanceId = instanceId;
		this.maxBreakers = maxBreakers;
		this.overflowPolicy = overflowPolicy;
		this.flusher = new OutcomeFlusher(views, this::getAllCircuitBreakers);
	}

	/** Default of {@code circuitbreaker.max-breakers}. */
	public static final int DEFAULT_MAX_BREAKERS = 1000;

	/**
	 * The breaker of this name, created if this JVM has not used it: with its own
	 * {@code circuitbreaker.instances} entry if it has one, else (implicitly) with the defaults. An
	 * existing breaker is returned as it is, whatever its settings.
	 * @param name a valid breaker name (see {@link BreakerNames})
	 * @return the breaker
	 */
	public CircuitBreaker circuitBreaker(String name) {
		// Every name in the map was valid when it got there: the call of an existing breaker, the common
		// case, is one lookup.
		Registered known = this.breakers.get(name);
		if (known != null) {
			return counted(known.breaker());
		}
		String key = BreakerNames.validate(name);
		Registered registered = this.breakers.get(key);
		if (registered == null) {
			boolean ownEntry = this.configs.named().containsKey(key);
			CircuitBreakerConfig config = this.configs.forName(key);
			if (!reserve()) {
				return counted(overLimit(key, config));
			}
			boolean[] created = new boolean[1];
			registered = this.breakers.computeIfAbsent(key, (k) -> {
				created[0] = true;
				return create(k, config, ownEntry ? "circuitbreaker.instances[" + k + "]" : null);
			});
			if (!created[0]) {
				this.size.decrementAndGet();
			}
		}
		return counted(registered.breaker());
	}

	/**
	 * The breaker of this name using the settings of a named entry: for names computed per call (one
	 * annotation serving {@code exchange/region/type} names) that share one configuration. Replaces a
	 * breaker that {@link #circuitBreaker(String)} created implicitly with the defaults; keeps (and logs)
	 * a breaker created with other explicit settings.
	 * @param name a valid breaker name (see {@link BreakerNames})
	 * @param configuration the {@code circuitbreaker.instances} entry, which must exist
	 * @return the breaker
	 */
	public CircuitBreaker circuitBreaker(String name, String configuration) {
		CircuitBreakerConfig config = this.configs.require(configuration);
		Registered known = this.breakers.get(name);
		if (known != null && !known.isImplicit() && known.breaker().getConfig().equals(config)) {
			// The common case, once per call: nothing to decide, nothing to lock.
			return counted(known.breaker());
		}
		String valid = (known != null) ? name : BreakerNames.validate(name);
		String settings = "configuration '" + configuration + "'";
		boolean reserved = known == null;
		if (reserved && !reserve()) {
			return counted(overLimit(valid, config));
		}
		boolean[] created = new boolean[1];
		Registered registered = this.breakers.compute(valid, (key, existing) -> {
			if (existing == null) {
				created[0] = true;
				return create(key, config, settings);
			}
			if (existing.breaker().getConfig().equals(config)) {
				return existing.isImplicit() ? new Registered(existing.breaker(), settings) : existing;
			}
			if (existing.isImplicit()) {
				logger.info("Circuit breaker '" + key + "' now uses " + settings
						+ "; it was first used without one and had the defaults");
				return create(key, config, settings);
			}
			if (this.reportedConflicts.add(key + '\n' + configuration)) {
				logger.warn("Circuit breaker '" + key + "' is asked for with " + settings + " but already uses "
						+ existing.settings() + ", whose settings differ; keeping " + existing.settings()
						+ ". Give the uses different breaker names or the same configuration.");
			}
			return existing;
		});
		if (reserved != created[0]) {
			// Reserved for a breaker another thread created, or created one evicted since it was looked up.
			this.size.addAndGet(created[0] ? 1 : -1);
		}
		return counted(registered.breaker());
	}

	/** Counts a request answered with a breaker that protects nothing. */
	private CircuitBreaker counted(CircuitBreaker breaker) {
		if (breaker.isOverLimit()) {
			this.overLimitRequests.increment();
		}
		return breaker;
	}

	/**
	 * Takes one of the maxBreakers places for a breaker about to be created, or answers false when none
	 * is left: checking the map's size first and creating after let concurrent first uses of different
	 * names all pass the check.
	 */
	private boolean reserve() {
		int taken;
		do {
			taken = this.size.get();
			if (taken >= this.maxBreakers) {
				return false;
			}
		}
		while (!this.size.compareAndSet(taken, taken + 1));
		return true;
	}

	private CircuitBreaker overLimit(String name, CircuitBreakerConfig config) {
		return CircuitBreaker.overLimit(name, config, this.store, this.instanceId,
				this.overflowPolicy == OverflowPolicy.DENY, overLimitReason());
	}

	private String overLimitReason() {
		return "circuitbreaker.max-breakers=" + this.maxBreakers + " reached";
	}

	/** How many times a breaker was asked for beyond the limit on breakers, since this registry started. */
	public long getOverLimitRequests() {
		return this.overLimitRequests.sum();
	}

	public int getMaxBreakers() {
		return this.maxBreakers;
	}

	public OverflowPolicy getOverflowPolicy() {
		return this.overflowPolicy;
	}

	/** The breaker of this name if this JVM has used it; never creates one. */
	public Optional<CircuitBreaker> find(String name) {
		Registered registered = this.breakers.get(name);
		return Optional.ofNullable((registered != null) ? registered.breaker() : null);
	}

	/**
	 * Reads a breaker's shared state without creating or registering it: with the settings of this
	 * JVM's breaker of that name if there is one, else those {@link #circuitBreaker(String)} would use.
	 * The settings only decide which calls still count (the sliding window); a name that shares a named
	 * configuration reads best through {@link #snapshot(String, String)}.
	 * @param name a valid breaker name, such as one from {@link #getAllNames()}
	 * @return the state and counts
	 */
	public CircuitSnapshot snapshot(String name) {
		Registered registered = this.breakers.get(name);
		if (registered != null) {
			return registered.breaker().getSnapshot();
		}
		return Failures.join(this.store.snapshot(BreakerNames.validate(name), this.configs.forName(name)));
	}

	/**
	 * Reads a breaker's shared state with the settings of a named entry, without creating or registering
	 * the breaker.
	 * @param name a valid breaker name
	 * @param configuration the {@code circuitbreaker.instances} entry, which must exist
	 * @return the state and counts
	 */
	public CircuitSnapshot snapshot(String name, String configuration) {
		CircuitBreakerConfig config = this.configs.require(configuration);
		return Failures.join(this.store.snapshot(BreakerNames.validate(name), config));
	}

	/** The breakers this JVM has used; never creates one. */
	public Collection<CircuitBreaker> getAllCircuitBreakers() {
		return this.breakers.values().stream().map(Registered::breaker).toList();
	}

	/** The names of the breakers any instance has used (from the store's index); never creates one. */
	public Set<String> getAllNames() {
		Set<String> names = new TreeSet<>(Failures.join(this.store.names()));
		// A name written into the store by hand, or by something else, must not break every listing.
		names.removeIf((name) -> !BreakerNames.isValid(name));
		return names;
	}

	/**
	 * The breakers of the whole fleet: the names the store lists and the breakers this JVM uses (listed
	 * or not, say right after a FLUSHALL), sorted; never creates one. Breakers that protect nothing
	 * (over the limit) are not among them.
	 */
	public Set<String> getFleetNames() {
		Set<String> names = getAllNames();
		this.breakers.forEach((name, registered) -> {
			if (!registered.breaker().isOverLimit()) {
				names.add(name);
			}
		});
		return names;
	}

	/**
	 * The settings this JVM reads and uses a breaker with: its breaker's if it has one, else those
	 * {@link #circuitBreaker(String)} would give it.
	 */
	public CircuitBreakerConfig configFor(String name) {
		Registered registered = this.breakers.get(name);
		return (registered != null) ? registered.breaker().getConfig() : this.configs.forName(name);
	}

	/**
	 * Reads many breakers' shared state at once (one round trip to Redis), without creating or
	 * registering any, each with {@link #configFor(String)}.
	 * @param names valid breaker names
	 * @return the snapshots by name, in name order
	 */
	public CompletionStage<Map<String, CircuitSnapshot>> snapshots(Collection<String> names) {
		Map<String, CircuitBreakerConfig> breakers = new LinkedHashMap<>();
		for (String name : names) {
			breakers.put(BreakerNames.validate(name), configFor(name));
		}
		return this.store.snapshots(breakers);
	}

	/**
	 * Like {@link #operate(String, OperatorCommand, String)} without waiting, so commands to many breakers
	 * go out together; listeners are told when the store answers.
	 */
	public CompletionStage<StateChange> operateAsync(String name, OperatorCommand command, String reason) {
		long asked = System.nanoTime();
		return this.store.operate(BreakerNames.validate(name), command, reason).thenApplyAsync((change) -> {
			operated(name, change, asked);
			return change;
		}, Callbacks.executor());
	}

	/**
	 * Applies an operator command to the shared state of a breaker without creating it in this JVM, and
	 * tells this instance's listeners of the transition it made.
	 * @param name a valid breaker name
	 * @param command the command
	 * @param reason why, as logged and published with the transition
	 * @return the change
	 */
	public StateChange operate(String name, OperatorCommand command, String reason) {
		long asked = System.nanoTime();
		StateChange change = Failures.join(this.store.operate(BreakerNames.validate(name), command, reason));
		operated(name, change, asked);
		return change;
	}

	/** This instance's view follows an operator command at once, and its listeners hear of it. */
	private void operated(String name, StateChange change, long askedNanos) {
		LocalView view = this.views.get(name);
		if (view != null) {
			view.learn(change, askedNanos);
		}
		if (change.transition() != null) {
			this.listener.onTransition(change.transition());
		}
	}

	/**
	 * Drops the breakers no call asked for in the last {@code idle}, so names made per request do not
	 * pile up (their shared state expires in the store as well).
	 * @return the names dropped
	 */
	public List<String> evictIdle(Duration idle) {
		long now = System.nanoTime();
		List<String> dropped = new ArrayList<>();
		this.breakers.forEach((name, registered) -> {
			if (now - registered.breaker().lastUsedNanos() > idle.toNanos()
					&& this.breakers.remove(name, registered)) {
				this.size.decrementAndGet();
				dropView(name, registered.breaker());
				dropped.add(name);
				this.reportedSettings.removeIf((reported) -> reported.startsWith(name + '\n'));
			}
		});
		return dropped;
	}

	/**
	 * Lists again, in the store's index, every breaker a call used in the last {@code period}, so the
	 * index keeps the names in use where the store's own writes cannot list them (Redis Cluster). A
	 * breaker the fleet had no room for is dropped, so its next call asks the fleet again: room may have
	 * been freed since.
	 */
	public CompletionStage<Void> relist(Duration period) {
		long now = System.nanoTime();
		List<CompletableFuture<?>> listed = new ArrayList<>();
		this.breakers.forEach((name, registered) -> {
			CircuitBreaker breaker = registered.breaker();
			if (breaker.isOverLimit()) {
				if (this.breakers.remove(name, registered)) {
					this.size.decrementAndGet();
				}
			}
			else if (now - breaker.lastUsedNanos() <= period.toNanos()) {
				listed.add(this.store.register(name).toCompletableFuture());
			}
		});
		return CompletableFuture.allOf(listed.toArray(CompletableFuture[]::new));
	}

	/**
	 * Records the settings of every breaker of this JVM in the store and warns, once per breaker and
	 * other settings, about instances that use other settings for the same breaker.
	 */
	public CompletionStage<Void> checkSettings() {
		List<CompletableFuture<?>> checks = new ArrayList<>();
		for (Registered registered : this.breakers.values()) {
			if (!registered.breaker().isOverLimit()) {
				checks.add(checkSettings(registered.breaker()).toCompletableFuture());
			}
		}
		return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new));
	}

	private CompletionStage<Void> checkSettings(CircuitBreaker breaker) {
		CircuitBreakerConfig config = breaker.getConfig();
		// Logged off the store's I/O thread.
		return this.store.checkSettings(breaker.getName(), config).handleAsync((recorded, failure) -> {
			if (recorded != null && recorded.isPresent()) {
				RecordedSettings other = recorded.get();
				if (!other.hash().equals(config.settingsHash())
						&& this.reportedSettings.add(breaker.getName() + '\n' + other.hash())) {
					logger.warn("Circuit breaker '" + breaker.getName() + "' has other settings on instance "
							+ other.instance() + " than on this instance " + this.instanceId + ": "
							+ SettingsDifference.describe(other.settings(), config.describeSettings())
							+ ". Each instance decides with its own settings; give every instance the same.");
				}
			}
			return null;
		}, Callbacks.executor());
	}

	/** Forgets the breaker's view, unless a breaker created since uses it. */
	private void dropView(String name, CircuitBreaker breaker) {
		LocalView view = breaker.view();
		if (view != null) {
			this.views.remove(name, view);
		}
	}

	/**
	 * Learns a transition another instance made (heard on the transition channel), so the local view of
	 * that breaker follows at once rather than at its next read.
	 */
	public void observe(StateTransition transition) {
		Registered registered = this.breakers.get(transition.circuitBreakerName());
		if (registered != null) {
			registered.breaker().hear(transition);
		}
	}

	/**
	 * Sends the outcomes the local views counted now, without waiting for the next flush interval.
	 * @return completes once the store answered every batch sent (or failed to)
	 */
	public CompletionStage<Void> flush() {
		return this.flusher.flush();
	}

	/**
	 * Stops the thread that sends the local views' outcomes; what they counted since the last flush is
	 * sent first (waiting for it at most a second, so a shutdown with Redis away is not held up).
	 */
	public void close() {
		try {
			this.flusher.flush().get(1, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			logger.debug("Could not send the last outcomes of the circuit breakers", ex);
		}
		this.flusher.close();
	}

	public CircuitBreakerConfigs getConfigs() {
		return this.configs;
	}

	public String getInstanceId() {
		return this.instanceId;
	}

	private Registered create(String name, CircuitBreakerConfig config, @Nullable String settings) {
		LocalView view = (config.getConsistency() == Consistency.BOUNDED)
				? this.views.computeIfAbsent(name, (key) -> new LocalView()) : null;
		CircuitBreaker breaker = new CircuitBreaker(name, config, this.store, this.listener, this.instanceId, view,
				this.flusher);
		this.store.register(name).thenAcceptAsync((listed) -> {
			if (Boolean.FALSE.equals(listed)) {
				// The fleet already has as many breakers as it may: this one protects nothing either.
				this.breakers.computeIfPresent(name, (key, registered) -> (registered.breaker() == breaker)
						? new Registered(overLimit(name, config), registered.settings()) : registered);
				dropView(name, breaker);
			}
			else {
				checkSettings(breaker);
			}
		}, Callbacks.executor());
		return new Registered(breaker, settings);
	}

	/**
	 * A breaker and where its settings came from.
	 * @param breaker the breaker
	 * @param settings the explicit source of its settings, or {@code null} when it has the defaults because
	 * nobody asked for more
	 */
	private record Registered(CircuitBreaker breaker, @Nullable String settings) {

		boolean isImplicit() {
			return this.settings == null;
		}

	}

}
