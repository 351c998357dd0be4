package io.vanrouter.daemon.mgmt;

import io.vanrouter.core.address.AddressRoute;
import io.vanrouter.core.address.AddressSnapshotView;
import io.vanrouter.core.address.Distribution;
import io.vanrouter.core.address.GroupRoute;
import io.vanrouter.core.address.TopicRoute;
import io.vanrouter.core.path.Route;
import io.vanrouter.core.path.RoutingTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.function.ToLongFunction;

/**
 * Computes a {@link TraceReport} from the published immutable snapshots (routing table and address view) the data
 * plane reads, the way the TCP adaptor's connector choice and the message router decide: no locks, no core query.
 * Pure; any thread.
 */
public final class Tracer {
    private Tracer() {
    }

    /** A trace without the message load (shared MQTT groups are then weighed by path cost alone). */
    public static TraceReport trace(String address, RoutingTable table, AddressSnapshotView addresses,
            long generation, ToLongFunction<String> openStreams) {
        return trace(address, table, addresses, generation, openStreams, router -> -1);
    }

    /**
     * @param openStreams      TCP connections this router has open to a destination router for this address
     * @param messagesInFlight MQTT anycast copies sent toward a router and not settled yet; -1 when not tracked
     */
    public static TraceReport trace(String address, RoutingTable table, AddressSnapshotView addresses,
            long generation, ToLongFunction<String> openStreams, ToLongFunction<String> messagesInFlight) {
        String self = table.self();
        AddressRoute route = addresses.route(address);
        if (route.hasConsumers()) {
            return plain(address, route, table, generation, openStreams);
        }
        TopicRoute topic = addresses.routeTopic(address);
        if (topic.hasReceivers()) {
            return topic(address, topic, table, generation, messagesInFlight);
        }
        return new TraceReport(self, address, "none", name(route.distribution()), List.of(),
                "no router has a consumer of '" + address + "' (no TCP connector, no MQTT subscriber):"
                        + " a connection is refused, a message is dropped", generation);
    }

    private static TraceReport plain(String address, AddressRoute route, RoutingTable table, long generation,
            ToLongFunction<String> openStreams) {
        String self = table.self();
        // A TCP connection goes to exactly one connector; the adaptor balances a multicast address.
        boolean closest = route.distribution() == Distribution.CLOSEST;
        List<Candidate> candidates = candidates(table, route.localConsumers(), route.remoteConsumers(), null);
        long best = Long.MAX_VALUE;
        for (Candidate c : candidates) {
            if (c.reachable) {
                c.load = openStreams.applyAsLong(c.router);
                c.score = closest ? (c.router.equals(self) ? 0 : 1L << 40) + c.cost : c.cost + c.load;
                best = Math.min(best, c.score);
            }
        }
        List<TraceReport.Destination> destinations = new ArrayList<>();
        List<String> chosen = new ArrayList<>();
        for (Candidate c : candidates) {
            boolean selected = c.reachable && c.score == best;
            if (selected) {
                chosen.add(c.router);
            }
            destinations.add(c.destination(null, c.reachable ? c.load : -1, selected));
        }
        String how = closest
                ? "closest: a local connector if there is one, else the least path cost"
                : "balanced: the least path cost + TCP connections open from " + self + " to it"
                        + (route.distribution() == Distribution.MULTICAST ? " (multicast address: a connection"
                                + " goes to one connector, balanced)" : "");
        String reason = chosen.isEmpty() ? how + "; no destination is reachable now"
                : how + "; now " + String.join(" or ", chosen) + (chosen.size() > 1 ? ", in turn" : "");
        return new TraceReport(self, address, "address", name(route.distribution()), destinations, reason,
                generation);
    }

    private static TraceReport topic(String address, TopicRoute topic, RoutingTable table, long generation,
            ToLongFunction<String> messagesInFlight) {
        String self = table.self();
        List<TraceReport.Destination> destinations = new ArrayList<>();
        for (Candidate c : candidates(table, topic.localSubscribers(), topic.remoteSubscribers(), null)) {
            destinations.add(c.destination(null, -1, c.reachable));
        }
        StringBuilder reason = new StringBuilder("multicast: a copy to every router with plain subscribers,"
                + " along the shortest-path tree from " + self);
        for (GroupRoute group : topic.groups()) {
            List<Candidate> candidates = candidates(table, group.localMembers(), group.remoteMembers(),
                    group.group());
            boolean closest = group.distribution() == Distribution.CLOSEST;
            long best = Long.MAX_VALUE;
            for (Candidate c : candidates) {
                if (c.reachable) {
                    // Local members are weighed by their own (per-client) counts, which a trace does not show.
                    c.load = c.router.equals(self) ? -1 : messagesInFlight.applyAsLong(c.router);
                    c.score = closest ? (c.router.equals(self) ? -1 : c.cost) : c.cost + Math.max(0, c.load);
                    best = Math.min(best, c.score);
                }
            }
            for (Candidate c : candidates) {
                destinations.add(c.destination(group.group(), c.reachable && !closest ? c.load : -1,
                        c.reachable && c.score == best));
            }
            reason.append("; shared group '").append(group.group()).append("' (").append(group.filter())
                    .append("): one copy, ").append(name(group.distribution()))
                    .append(closest ? " (a local subscriber first, else the least path cost)"
                            : " (the least path cost + copies in flight, which the message router tracks)");
        }
        return new TraceReport(self, address, "topic", name(topic.distribution()), destinations, reason.toString(),
                generation);
    }

    private static List<Candidate> candidates(RoutingTable table, int local, SortedMap<String, Integer> remote,
            String group) {
        List<Candidate> candidates = new ArrayList<>();
        if (local > 0) {
            candidates.add(new Candidate(table.self(), local, true, 0, List.of(table.self())));
        }
        for (Map.Entry<String, Integer> e : remote.entrySet()) {
            Route route = table.routes().get(e.getKey());
            candidates.add(new Candidate(e.getKey(), e.getValue(), route != null, route == null ? -1 : route.cost(),
                    route == null ? List.of() : Paths.path(table, e.getKey())));
        }
        return candidates;
    }

    private static String name(Distribution distribution) {
        return distribution.name().toLowerCase(Locale.ROOT);
    }

    /** A destination being weighed; mutable only inside one trace. */
    private static final class Candidate {
        final String router;
        final int consumers;
        final boolean reachable;
        final long cost;
        final List<String> path;
        long load;
        long score = Long.MAX_VALUE;

        Candidate(String router, int consumers, boolean reachable, long cost, List<String> path) {
            this.router = router;
            this.consumers = consumers;
            this.reachable = reachable;
            this.cost = cost;
            this.path = path;
        }

        TraceReport.Destination destination(String group, long shownLoad, boolean selected) {
            return new TraceReport.Destination(router, group, consumers, reachable, cost, path, shownLoad, selected);
        }
    }
}
