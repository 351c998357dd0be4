package io.vanrouter.core.address;

import io.vanrouter.core.message.AddressUpdate;
import io.vanrouter.core.message.AddressSnapshot;

import io.vanrouter.core.port.TimeSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The local side of address advertisement: counts this router's local consumers per {@link Address} and turns changes
 * into batched, sequence-numbered {@link AddressUpdate}s. Core thread only; no threads or timers of its own.
 *
 * <p>A batch opens at the first change after the previous update and closes {@link #BATCH_INTERVAL_NANOS} later:
 * {@link #pollUpdate} then returns one update with the net difference between what was last advertised and the current
 * counts (so an add then a remove inside one batch cancels out and yields nothing). Hence at most one update per batch
 * interval, and sequence {@code n} is always exactly the state of update {@code n-1} plus its diff.
 */
public final class AddressAdvertiser {

    /** How long local changes are collected before one update is sent. */
    public static final long BATCH_INTERVAL_NANOS = 100_000_000L;

    private final String routerId;
    private final long instance;
    private final TimeSource clock;
    private final Map<Address, Integer> live = new HashMap<>();
    private final Map<Address, Integer> advertised = new HashMap<>();
    private final Set<Address> changed = new LinkedHashSet<>();
    private long sequence;
    private long batchStartNanos;

    public AddressAdvertiser(String routerId, long instance, TimeSource clock) {
        this.routerId = Objects.requireNonNull(routerId, "routerId");
        this.instance = instance;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public String routerId() {
        return routerId;
    }

    public long instance() {
        return instance;
    }

    /** Sequence of the last update returned by {@link #pollUpdate}; 0 before the first. */
    public long sequence() {
        return sequence;
    }

    /** A local consumer attached to {@code address}; returns the new local count. */
    public int localAdd(Address address) {
        Objects.requireNonNull(address, "address");
        int count = live.merge(address, 1, Integer::sum);
        markChanged(address);
        return count;
    }

    /**
     * A local consumer of {@code address} detached; returns the new local count. Removing from a count of 0 is a
     * programmer error ({@link IllegalStateException}).
     */
    public int localRemove(Address address) {
        Integer count = live.get(address);
        if (count == null) {
            throw new IllegalStateException("no local consumer of " + address + " to remove");
        }
        markChanged(address);
        if (count == 1) {
            live.remove(address);
            return 0;
        }
        live.put(address, count - 1);
        return count - 1;
    }

    /** Current local consumer count of {@code address} (0 if none). */
    public int localCount(Address address) {
        return live.getOrDefault(address, 0);
    }

    /** Current local counts, unmodifiable live view; copy before handing it to another thread. */
    public Map<Address, Integer> localCounts() {
        return Collections.unmodifiableMap(live);
    }

    /** Whether changes are waiting for the current batch to close. */
    public boolean hasPendingChanges() {
        return !changed.isEmpty();
    }

    /**
     * Nanoseconds from {@code nowNanos} until {@link #pollUpdate} closes the open batch (0 when it is due already), or
     * {@link Long#MAX_VALUE} when no batch is open.
     */
    public long nanosUntilBatchDue(long nowNanos) {
        if (changed.isEmpty()) {
            return Long.MAX_VALUE;
        }
        return Math.max(0, batchStartNanos + BATCH_INTERVAL_NANOS - nowNanos);
    }

    /**
     * The update to flood now, if a batch is open, at least {@link #BATCH_INTERVAL_NANOS} old at {@code nowNanos}, and
     * its changes do not cancel out. Each returned update has sequence {@link #sequence()} + 1.
     */
    public Optional<AddressUpdate> pollUpdate(long nowNanos) {
        if (changed.isEmpty() || nowNanos - batchStartNanos < BATCH_INTERVAL_NANOS) {
            return Optional.empty();
        }
        List<AddressEntry> adds = new ArrayList<>();
        List<Address> removes = new ArrayList<>();
        for (Address address : changed) {
            int now = live.getOrDefault(address, 0);
            int before = advertised.getOrDefault(address, 0);
            if (now == before) {
                continue;
            }
            if (now == 0) {
                advertised.remove(address);
                removes.add(address);
            } else {
                advertised.put(address, now);
                adds.add(new AddressEntry(address, now));
            }
        }
        changed.clear();
        if (adds.isEmpty() && removes.isEmpty()) {
            return Optional.empty();
        }
        sequence++;
        return Optional.of(new AddressUpdate(routerId, instance, sequence, adds, removes));
    }

    /** The advertised state (as of {@link #sequence()}), as a neighbour would receive it. */
    public AddressSnapshot snapshot() {
        List<AddressEntry> entries = new ArrayList<>(advertised.size());
        advertised.forEach((address, count) -> entries.add(new AddressEntry(address, count)));
        return new AddressSnapshot(routerId, instance, sequence, entries);
    }

    private void markChanged(Address address) {
        if (changed.isEmpty()) {
            batchStartNanos = clock.nanoTime();
        }
        changed.add(address);
    }
}
