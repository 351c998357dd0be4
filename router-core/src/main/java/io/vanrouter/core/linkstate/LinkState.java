package io.vanrouter.core.linkstate;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One router's view of its own adjacencies: neighbour id to link cost. {@code instance} identifies the boot of the
 * originating router (a restart picks a larger one); {@code sequence} grows with every change within one instance.
 * {@code addressSequence} is the sequence of the origin's newest address update when the record was made: a router
 * holding less for that origin asks a neighbour for a snapshot, which repairs a lost update.
 * Record A is newer than B when (instance, sequence) of A is larger.
 *
 * <p>Immutable; {@code peers} is sorted by router id so that encodings and iteration are deterministic.
 */
public record LinkState(String routerId, long instance, long sequence, Map<String, Integer> peers,
        long addressSequence) {
    public LinkState {
        Objects.requireNonNull(routerId, "routerId");
        peers = Collections.unmodifiableSortedMap(new TreeMap<>(peers));
    }

    /** A record that carries no address sequence (a router with no addresses yet). */
    public LinkState(String routerId, long instance, long sequence, Map<String, Integer> peers) {
        this(routerId, instance, sequence, peers, 0);
    }

    /** True when this record supersedes {@code other} for the same router. */
    public boolean isNewerThan(LinkState other) {
        if (instance != other.instance) {
            return instance > other.instance;
        }
        return sequence > other.sequence;
    }
}
