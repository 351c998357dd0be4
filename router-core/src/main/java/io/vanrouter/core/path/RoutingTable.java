package io.vanrouter.core.path;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Immutable result of one shortest-path computation at router {@code self}. Published by the core thread through a
 * volatile reference; read by any thread without locks. {@code generation} grows with every publication.
 */
public final class RoutingTable {
    private final String self;
    private final long generation;
    private final SortedMap<String, Route> routes;
    private final SortedSet<String> unreachable;
    private final MulticastTrees trees;

    public RoutingTable(String self, long generation, Map<String, Route> routes, Set<String> unreachable) {
        this(self, generation, routes, unreachable, MulticastTrees.empty());
    }

    /** A table that also carries the topology its routes came from, for multicast trees rooted anywhere. */
    public RoutingTable(String self, long generation, Map<String, Route> routes, Set<String> unreachable,
            MulticastTrees trees) {
        this.self = self;
        this.trees = trees;
        this.generation = generation;
        this.routes = Collections.unmodifiableSortedMap(new TreeMap<>(routes));
        this.unreachable = Collections.unmodifiableSortedSet(new TreeSet<>(unreachable));
    }

    public static RoutingTable empty(String self) {
        return new RoutingTable(self, 0, Map.of(), Set.of());
    }

    public String self() {
        return self;
    }

    public long generation() {
        return generation;
    }

    /** Routes to every reachable router other than {@code self}, sorted by router id. */
    public SortedMap<String, Route> routes() {
        return routes;
    }

    /** Routers known from link state (or named by a neighbour) that no path reaches. */
    public SortedSet<String> unreachable() {
        return unreachable;
    }

    /** The topology of this generation and its shortest-path trees from any root (multicast). */
    public MulticastTrees trees() {
        return trees;
    }

    public Optional<Route> route(String destination) {
        return Optional.ofNullable(routes.get(destination));
    }

    @Override
    public String toString() {
        return "RoutingTable[" + self + " gen=" + generation + " routes=" + routes.values() + " unreachable="
                + unreachable + "]";
    }
}
