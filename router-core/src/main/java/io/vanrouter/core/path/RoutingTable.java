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
 *
 * <p>Besides the routes that SPF computed, a table carries the routers attached to this one outside link state
 * ({@link #attached()}: an interior's edge routers, an edge's uplinks) and, on an edge router, a default route (its
 * active uplink) for every other destination. Attaching or detaching a router publishes a new table without SPF.
 */
public final class RoutingTable {
    private final String self;
    private final long generation;
    private final SortedMap<String, Route> routes;
    private final SortedSet<String> unreachable;
    private final MulticastTrees trees;
    private final SortedMap<String, Route> attached;
    private final Route defaultRoute;

    public RoutingTable(String self, long generation, Map<String, Route> routes, Set<String> unreachable) {
        this(self, generation, routes, unreachable, MulticastTrees.empty());
    }

    /** A table that also carries the topology its routes came from, for multicast trees rooted anywhere. */
    public RoutingTable(String self, long generation, Map<String, Route> routes, Set<String> unreachable,
            MulticastTrees trees) {
        this(self, generation, Collections.unmodifiableSortedMap(new TreeMap<>(routes)),
                Collections.unmodifiableSortedSet(new TreeSet<>(unreachable)), trees,
                Collections.emptySortedMap(), null);
    }

    private RoutingTable(String self, long generation, SortedMap<String, Route> routes, SortedSet<String> unreachable,
            MulticastTrees trees, SortedMap<String, Route> attached, Route defaultRoute) {
        this.self = self;
        this.trees = trees;
        this.generation = generation;
        this.routes = routes;
        this.unreachable = unreachable;
        this.attached = attached;
        this.defaultRoute = defaultRoute;
    }

    /** This table with {@code generation} and other attached routers and default route; the SPF routes are shared. */
    public RoutingTable withAttached(long generation, Map<String, Route> attachedRoutes, Route defaultRoute) {
        return new RoutingTable(self, generation, routes, unreachable, trees,
                Collections.unmodifiableSortedMap(new TreeMap<>(attachedRoutes)), defaultRoute);
    }

    /** A freshly computed table that keeps this one's attached routers and default route. */
    public RoutingTable keepingAttachedOf(RoutingTable previous) {
        return new RoutingTable(self, generation, routes, unreachable, trees, previous.attached,
                previous.defaultRoute);
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

    /**
     * Routers attached to this one outside link state, one hop away: an interior router's edge routers, or an edge
     * router's uplinks. Not in {@link #routes()}: they are not part of the network's topology.
     */
    public SortedMap<String, Route> attached() {
        return attached;
    }

    /** On an edge router, the route to its active uplink, used for every destination not attached; else null. */
    public Route defaultRoute() {
        return defaultRoute;
    }

    /** The route toward {@code destination}: computed, attached, or the default route; empty for this router. */
    public Optional<Route> route(String destination) {
        return Optional.ofNullable(routeOrNull(destination));
    }

    /** {@link #route} without the Optional, for per-frame paths. */
    public Route routeOrNull(String destination) {
        Route route = routes.get(destination);
        if (route != null) {
            return route;
        }
        route = attached.get(destination);
        if (route != null || destination.equals(self)) {
            return route;
        }
        return defaultRoute;
    }

    @Override
    public String toString() {
        return "RoutingTable[" + self + " gen=" + generation + " routes=" + routes.values() + " unreachable="
                + unreachable + (attached.isEmpty() ? "" : " attached=" + attached.values())
                + (defaultRoute == null ? "" : " default=" + defaultRoute) + "]";
    }
}
