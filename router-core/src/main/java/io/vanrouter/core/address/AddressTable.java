package io.vanrouter.core.address;

import io.vanrouter.core.message.AddressUpdate;
import io.vanrouter.core.message.AddressSnapshot;

import io.vanrouter.core.port.TimeSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network view of mobile addresses: for every origin router, its advertised entries at (instance, sequence), plus
 * this router's live local consumers (through its {@link AddressAdvertiser}). Core thread only; driven by explicit
 * calls, no threads. After changes, {@link #view()} publishes a new immutable {@link AddressSnapshotView}.
 *
 * <p>Receiving rules per origin (see docs/addresses.md): an update of the held instance with sequence = held + 1 is
 * applied ({@link UpdateOutcome#APPLIED}: flood it on); sequence &lt;= held is a duplicate; any other sequence is a gap
 * ({@link UpdateOutcome#REQUEST_SNAPSHOT}). A newer instance withdraws the origin's old entries at once and starts
 * from the empty state at sequence 0 (so its update 1 applies directly). An older instance is stale. A snapshot newer
 * than the held state replaces the origin's entries wholesale and is flooded on like an update.
 *
 * <p>Limit: at most {@link #ENTRIES_PER_ORIGIN_MAX} entries per remote origin; extra adds are dropped and counted.
 *
 * <p>A snapshot of more than {@link #SNAPSHOT_SLICE_ENTRIES} entries is applied in slices ({@link #applyPending}),
 * so that a million addresses never hold the core thread from its hellos: its outcome is decided at once, its entries
 * go in a slice at a time, and the origin's entries it no longer lists are withdrawn after the last slice. Anything
 * else that touches the same origin first finishes the pending snapshot at once, so order is kept. Views are not
 * rebuilt while a snapshot is pending (each rebuild costs the size of the table); they show it whole.
 */
public final class AddressTable {

    public static final int ENTRIES_PER_ORIGIN_MAX = 250_000;
    /** Snapshot entries applied per slice: a few milliseconds of core-thread work. */
    public static final int SNAPSHOT_SLICE_ENTRIES = 8_192;
    private static final Logger LOG = LoggerFactory.getLogger("vanrouter.address");

    private final String self;
    private AddressRules rules;
    private final AddressAdvertiser advertiser;
    private final Map<String, Origin> origins = new HashMap<>();
    /** This router's own consumers; what it advertises also counts those of its attached edge routers. */
    private final Map<Address, Integer> own = new HashMap<>();
    /** Snapshots being applied in slices, oldest first. */
    private final Map<String, PendingSnapshot> pending = new LinkedHashMap<>();
    private final Map<String, SortedMap<String, Integer>> plain = new HashMap<>();
    /** Topic filters of every router; changed in place between views, frozen by each {@link #view()}. */
    private final TopicFilterIndex.Editor topics = TopicFilterIndex.empty().edit();
    private Map<String, AddressRoute> plainRoutes = Map.of();
    private boolean plainChanged;
    private boolean changed;
    private AddressSnapshotView view;
    private final long[] counters = new long[Counter.values().length];

    /** Event counters, readable through {@link #counter}. */
    public enum Counter { UPDATES_APPLIED, DUPLICATES, STALE, SNAPSHOT_REQUESTS, SNAPSHOTS_APPLIED, ENTRIES_REFUSED }

    public AddressTable(String self, long instance, AddressRules rules, TimeSource clock) {
        this.self = Objects.requireNonNull(self, "self");
        this.rules = Objects.requireNonNull(rules, "rules");
        this.advertiser = new AddressAdvertiser(self, instance, clock);
        this.view = AddressSnapshotView.empty(self, rules);
    }

    public String self() {
        return self;
    }

    public AddressAdvertiser advertiser() {
        return advertiser;
    }

    public long counter(Counter counter) {
        return counters[counter.ordinal()];
    }

    /** A local consumer attached to {@code address}; visible locally at once, advertised with the next batch. */
    public int localAdd(Address address) {
        advertiser.localAdd(address);
        int count = own.merge(address, 1, Integer::sum);
        set(self, address, count);
        return count;
    }

    /** A local consumer of {@code address} detached. */
    public int localRemove(Address address) {
        advertiser.localRemove(address);
        int count = own.merge(address, -1, Integer::sum);
        if (count <= 0) {
            own.remove(address);
            count = 0;
        }
        set(self, address, count);
        return count;
    }

    /**
     * An edge router attached to this one now has {@code count} consumers of {@code address} (it had
     * {@code previous}): the view shows them under the edge's id, and this router advertises the address as its own
     * while any attached edge or local consumer has it, so the rest of the network never learns of edges.
     */
    public void attachedSet(String edge, Address address, int previous, int count) {
        if (previous == 0 && count > 0) {
            advertiser.localAdd(address);
        } else if (previous > 0 && count == 0) {
            advertiser.localRemove(address);
        }
        if (previous != count) {
            set(edge, address, count);
        }
    }

    /** The batched local update to flood to every neighbour, if one is due ({@link AddressAdvertiser#pollUpdate}). */
    public Optional<AddressUpdate> pollUpdate(long nowNanos) {
        return advertiser.pollUpdate(nowNanos);
    }

    /** Applies an update received from a neighbour; the outcome says whether to flood it or ask for a snapshot. */
    public UpdateOutcome onUpdate(AddressUpdate update) {
        String origin = update.routerId();
        if (origin.equals(self)) {
            return count(UpdateOutcome.DUPLICATE);
        }
        finishPending(origin);
        Origin held = origins.get(origin);
        if (held != null && update.instance() < held.instance) {
            return count(UpdateOutcome.STALE);
        }
        if (held == null || update.instance() > held.instance) {
            held = restart(origin, held, update.instance());
        }
        if (update.sequence() <= held.sequence) {
            return count(UpdateOutcome.DUPLICATE);
        }
        if (update.sequence() != held.sequence + 1) {
            LOG.debug("[{}] address update gap from {}: held seq {}, got {}", self, origin, held.sequence,
                    update.sequence());
            return count(UpdateOutcome.REQUEST_SNAPSHOT);
        }
        for (Address address : update.removes()) {
            if (held.entries.remove(address) != null) {
                set(origin, address, 0);
            }
        }
        for (AddressEntry entry : update.adds()) {
            put(origin, held, entry);
        }
        held.sequence = update.sequence();
        return count(UpdateOutcome.APPLIED);
    }

    /** Applies a snapshot if it is newer than what is held; {@link UpdateOutcome#APPLIED} means flood it on. */
    public UpdateOutcome onSnapshot(AddressSnapshot snapshot) {
        String origin = snapshot.origin();
        if (origin.equals(self)) {
            return count(UpdateOutcome.DUPLICATE);
        }
        finishPending(origin);
        Origin held = origins.get(origin);
        if (held != null && snapshot.instance() < held.instance) {
            return count(UpdateOutcome.STALE);
        }
        if (held == null || snapshot.instance() > held.instance) {
            held = restart(origin, held, snapshot.instance());
            if (snapshot.sequence() == 0) {
                counters[Counter.SNAPSHOTS_APPLIED.ordinal()]++;
                return UpdateOutcome.APPLIED;
            }
        } else if (snapshot.sequence() <= held.sequence) {
            return count(UpdateOutcome.DUPLICATE);
        }
        held.sequence = snapshot.sequence();
        counters[Counter.SNAPSHOTS_APPLIED.ordinal()]++;
        PendingSnapshot job = new PendingSnapshot(origin, held, snapshot.entries());
        if (!job.applySome(SNAPSHOT_SLICE_ENTRIES)) {
            pending.put(origin, job);
        }
        return UpdateOutcome.APPLIED;
    }

    /** Whether a large snapshot is still being applied ({@link #applyPending} continues it). */
    public boolean hasPending() {
        return !pending.isEmpty();
    }

    /** Applies up to {@code entryBudget} entries of pending snapshots, oldest first. */
    public void applyPending(int entryBudget) {
        var jobs = pending.values().iterator();
        int budget = entryBudget;
        while (budget > 0 && jobs.hasNext()) {
            PendingSnapshot job = jobs.next();
            int before = job.next;
            if (job.applySome(budget)) {
                jobs.remove();
            }
            budget -= Math.max(1, job.next - before);
        }
    }

    private void finishPending(String origin) {
        PendingSnapshot job = pending.remove(origin);
        if (job != null) {
            job.applySome(Integer.MAX_VALUE);
        }
    }

    /** This table's snapshot of {@code origin} (this router's own advertised state if it is {@code self}). */
    public Optional<AddressSnapshot> snapshotOf(String origin) {
        if (origin.equals(self)) {
            return Optional.of(advertiser.snapshot());
        }
        finishPending(origin);
        Origin held = origins.get(origin);
        if (held == null) {
            return Optional.empty();
        }
        List<AddressEntry> entries = new ArrayList<>(held.entries.size());
        held.entries.forEach((address, count) -> entries.add(new AddressEntry(address, count)));
        return Optional.of(new AddressSnapshot(origin, held.instance, held.sequence, entries));
    }

    /** Snapshots of every known origin, this router first: sent to a new neighbour for a full resync. */
    public List<AddressSnapshot> snapshotAll() {
        List<AddressSnapshot> all = new ArrayList<>(origins.size() + 1);
        all.add(advertiser.snapshot());
        new TreeMap<>(origins).keySet().forEach(origin -> snapshotOf(origin).ifPresent(all::add));
        return all;
    }

    /**
     * Whether an origin's (instance, sequence), learned some other way (e.g. carried in its router advert), is ahead
     * of what is held, so a snapshot should be requested. Lets a lost last update be repaired.
     */
    public boolean isBehind(String origin, long instance, long sequence) {
        if (origin.equals(self)) {
            return false;
        }
        Origin held = origins.get(origin);
        return held == null ? sequence > 0 : instance > held.instance || (instance == held.instance
                && sequence > held.sequence);
    }

    /** The held sequence of {@code origin}, if known. */
    public OptionalLong heldSequence(String origin) {
        Origin held = origins.get(origin);
        return held == null ? OptionalLong.empty() : OptionalLong.of(held.sequence);
    }

    /** Withdraws at once every address of these routers; they come back through a snapshot when reachable again. */
    public void onRoutersUnreachable(Set<String> routers) {
        for (String router : routers) {
            pending.remove(router);
            Origin held = origins.remove(router);
            if (held != null) {
                LOG.info("[{}] router {} unreachable: withdrew {} addresses", self, router, held.entries.size());
                held.entries.keySet().forEach(address -> set(router, address, 0));
            }
        }
    }

    /**
     * New distribution rules (a configuration reload): every route is rebuilt with them in the next view. What is
     * advertised does not change: rules are local, each router applies its own.
     */
    public void replaceRules(AddressRules next) {
        rules = Objects.requireNonNull(next, "rules");
        plainChanged = true;
        changed = true;
    }

    /** The current view; rebuilt (with the next generation) only if something changed since the last call. */
    public AddressSnapshotView view() {
        if (!changed || !pending.isEmpty()) {
            return view;
        }
        if (plainChanged) {
            Map<String, AddressRoute> routes = new HashMap<>(plain.size() * 2);
            plain.forEach((address, routers) -> routes.put(address, routeOf(address, routers)));
            plainRoutes = routes;
            plainChanged = false;
        }
        view = new AddressSnapshotView(self, view.generation() + 1, rules, plainRoutes, topics.snapshot(),
                Map.copyOf(own));
        changed = false;
        return view;
    }

    private AddressRoute routeOf(String address, SortedMap<String, Integer> routers) {
        int local = routers.getOrDefault(self, 0);
        SortedMap<String, Integer> remote = routers;
        if (local > 0) {
            remote = new TreeMap<>(routers);
            remote.remove(self);
        }
        return new AddressRoute(address, rules.forAddress(address), local, remote);
    }

    private Origin restart(String origin, Origin old, long instance) {
        pending.remove(origin);
        if (old != null) {
            LOG.info("[{}] router {} restarted (instance {} -> {}): withdrew {} addresses", self, origin, old.instance,
                    instance, old.entries.size());
            old.entries.keySet().forEach(address -> set(origin, address, 0));
        }
        Origin fresh = new Origin(instance);
        origins.put(origin, fresh);
        return fresh;
    }

    private void put(String origin, Origin held, AddressEntry entry) {
        put(origin, held, entry, 0);
    }

    /** Sets one entry; {@code leaving} of the held entries are about to be withdrawn and do not count to the limit. */
    private void put(String origin, Origin held, AddressEntry entry, int leaving) {
        if (held.entries.size() - leaving >= ENTRIES_PER_ORIGIN_MAX && !held.entries.containsKey(entry.address())) {
            counters[Counter.ENTRIES_REFUSED.ordinal()]++;
            return;
        }
        Integer old = held.entries.put(entry.address(), entry.consumers());
        if (old == null || old != entry.consumers()) {
            set(origin, entry.address(), entry.consumers());
        }
    }

    /** Sets {@code router}'s consumer count of {@code address}; 0 removes it. */
    private void set(String router, Address address, int count) {
        changed = true;
        if (address.kind() == AddressKind.TOPIC_FILTER) {
            topics.put(address.name(), new TopicFilterIndex.Subscriber(router, address.group()), count);
            return;
        }
        plainChanged = true;
        if (count > 0) {
            plain.computeIfAbsent(address.name(), k -> new TreeMap<>()).put(router, count);
            return;
        }
        SortedMap<String, Integer> routers = plain.get(address.name());
        if (routers != null && routers.remove(router) != null && routers.isEmpty()) {
            plain.remove(address.name());
        }
    }

    private UpdateOutcome count(UpdateOutcome outcome) {
        Counter counter = switch (outcome) {
            case APPLIED -> Counter.UPDATES_APPLIED;
            case DUPLICATE -> Counter.DUPLICATES;
            case STALE -> Counter.STALE;
            case REQUEST_SNAPSHOT -> Counter.SNAPSHOT_REQUESTS;
        };
        counters[counter.ordinal()]++;
        return outcome;
    }

    /** A snapshot's entries going into {@code held} a slice at a time; then the entries it no longer lists go. */
    private final class PendingSnapshot {
        final String origin;
        final Origin held;
        final List<AddressEntry> entries;
        /** Held entries the snapshot has not listed so far: withdrawn after its last entry. */
        final Set<Address> unlisted;
        int next;

        PendingSnapshot(String origin, Origin held, List<AddressEntry> entries) {
            this.origin = origin;
            this.held = held;
            this.entries = entries;
            this.unlisted = new HashSet<>(held.entries.keySet());
        }

        /** Applies up to {@code budget} entries; true once the snapshot is whole. */
        boolean applySome(int budget) {
            int end = (int) Math.min(entries.size(), (long) next + budget);
            for (; next < end; next++) {
                AddressEntry entry = entries.get(next);
                unlisted.remove(entry.address());
                put(origin, held, entry, unlisted.size());
            }
            if (next < entries.size()) {
                return false;
            }
            for (Address address : unlisted) {
                held.entries.remove(address);
                set(origin, address, 0);
            }
            unlisted.clear();
            return true;
        }
    }

    /** Held state of one remote origin router. */
    private static final class Origin {
        final long instance;
        long sequence;
        final Map<Address, Integer> entries = new HashMap<>();

        Origin(long instance) {
            this.instance = instance;
        }
    }
}
