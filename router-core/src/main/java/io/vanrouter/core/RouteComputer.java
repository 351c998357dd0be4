package io.vanrouter.core;

import io.vanrouter.core.hello.Adjacency;
import io.vanrouter.core.linkstate.LinkState;
import io.vanrouter.core.path.MulticastTrees;
import io.vanrouter.core.path.PathEngine;
import io.vanrouter.core.path.PathResult;
import io.vanrouter.core.path.Route;
import io.vanrouter.core.path.RoutingTable;
import io.vanrouter.core.port.RoutingListener;
import io.vanrouter.core.port.TimeSource;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link PathEngine} when routes are dirty and publishes a new {@link RoutingTable} (generation + 1) only when
 * its content changed, logging each route change (up to {@link #ROUTE_CHANGE_LOG_LIMIT} lines per recompute) and
 * remembering when the route to each destination last changed (status shows its age).
 *
 * <p>Core thread only.
 */
final class RouteComputer {
    private static final Logger LOG = LoggerFactory.getLogger("vanrouter.path");

    /** At most this many per-destination lines per recompute; the rest are summarised in one line. */
    static final int ROUTE_CHANGE_LOG_LIMIT = 20;

    private final String self;
    private final PathEngine engine;
    private final RoutingListener listener;
    private final TimeSource clock;
    private final RoutingCounters counters;
    private RoutingTable current;
    private boolean dirty = true;
    /** When routes were first marked dirty since the last computation. */
    private long dirtySinceNanos;
    /** Per destination, when its next hop, cost or reachability last changed. */
    private final Map<String, Long> routeChangedNanos = new HashMap<>();

    RouteComputer(String self, PathEngine engine, RoutingListener listener) {
        this(self, engine, listener, () -> 0L, new RoutingCounters());
    }

    RouteComputer(String self, PathEngine engine, RoutingListener listener, TimeSource clock,
            RoutingCounters counters) {
        this.self = self;
        this.engine = engine;
        this.listener = listener;
        this.clock = clock;
        this.counters = counters;
        this.current = RoutingTable.empty(self);
        this.dirtySinceNanos = clock.nanoTime();
    }

    void markDirty() {
        if (!dirty) {
            dirty = true;
            dirtySinceNanos = clock.nanoTime();
        }
    }

    RoutingTable current() {
        return current;
    }

    /** Recomputes if anything changed since the last run; returns true if a new table was published. */
    boolean recomputeIfDirty(Map<String, Adjacency> adjacencies, Collection<LinkState> records) {
        if (!dirty) {
            return false;
        }
        dirty = false;
        long started = clock.nanoTime();
        PathResult result = engine.compute(self, adjacencies, records);
        MulticastTrees trees = MulticastTrees.of(records);
        long finished = clock.nanoTime();
        counters.spfRun(finished - started);
        RoutingTable candidate = new RoutingTable(self, current.generation() + 1, result.routes(),
                result.unreachable(), trees).keepingAttachedOf(current);
        if (candidate.routes().equals(current.routes()) && candidate.unreachable().equals(current.unreachable())
                && trees.sameTopology(current.trees())) {
            return false;
        }
        noteChanges(current, candidate, finished);
        current = candidate;
        counters.tablePublished(finished - dirtySinceNanos);
        listener.onRoutingTable(candidate);
        return true;
    }

    /**
     * Routers attached outside link state (edges of an interior, uplinks of an edge) changed: publishes the current
     * routes with them, without running SPF and without counting an SPF run.
     */
    void publishAttached(Map<String, Route> attached, Route defaultRoute) {
        current = current.withAttached(current.generation() + 1, attached, defaultRoute);
        listener.onRoutingTable(current);
    }

    /**
     * When the route to {@code destination} last changed (its next hop, cost or reachability), in this computer's
     * clock; {@link Long#MIN_VALUE} if it never had one.
     */
    long routeChangedNanos(String destination) {
        return routeChangedNanos.getOrDefault(destination, Long.MIN_VALUE);
    }

    private void noteChanges(RoutingTable before, RoutingTable after, long nowNanos) {
        boolean log = LOG.isInfoEnabled();
        TreeSet<String> destinations = new TreeSet<>(before.routes().keySet());
        destinations.addAll(after.routes().keySet());
        int logged = 0;
        int skipped = 0;
        for (String destination : destinations) {
            Route was = before.routes().get(destination);
            Route now = after.routes().get(destination);
            if (sameHop(was, now)) {
                continue;
            }
            routeChangedNanos.put(destination, nowNanos);
            if (!log) {
                continue;
            }
            if (logged++ < ROUTE_CHANGE_LOG_LIMIT) {
                LOG.info("[{}] route to {}: {} -> {}", self, destination, describe(was), describe(now));
            } else {
                skipped++;
            }
        }
        if (skipped > 0) {
            LOG.info("[{}] ... and {} more route changes (generation {})", self, skipped, after.generation());
        }
    }

    private static boolean sameHop(Route a, Route b) {
        if (a == null || b == null) {
            return a == b;
        }
        return Objects.equals(a.nextHop(), b.nextHop()) && a.cost() == b.cost();
    }

    private static String describe(Route route) {
        return route == null ? "unreachable" : "via " + route.nextHop() + " cost " + route.cost();
    }
}
