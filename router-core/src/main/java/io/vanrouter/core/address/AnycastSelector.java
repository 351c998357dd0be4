package io.vanrouter.core.address;

import io.vanrouter.core.path.Route;
import io.vanrouter.core.path.RoutingTable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.ToLongFunction;

/**
 * Picks the one destination of an anycast (CLOSEST or BALANCED) message. Pure: no state, any thread; the caller keeps
 * a {@code rotation} counter per address (advanced on every pick) that rotates the choice among equal candidates.
 *
 * <p>Destinations are local consumers (path cost 0; any ids the caller uses, e.g. client ids, or just the router id)
 * and remote routers with consumers (path cost from the {@link RoutingTable}; routers without a route are skipped).
 * <ul>
 * <li>CLOSEST: a local consumer if there is one, else the remote routers of least path cost; round-robin (by
 * {@code rotation}) among the equal ones, in id order.</li>
 * <li>BALANCED: the least {@code inFlight + pathCost}, ties broken by {@code rotation} over the tied candidates, locals
 * first then in id order. A destination with many deliveries in flight (slow or far) gets less.</li>
 * </ul>
 */
public final class AnycastSelector {

    /** A chosen destination: a local consumer id, or a remote router id. */
    public record Choice(String id, boolean local) {
    }

    private static final Comparator<Choice> ORDER = Comparator.comparing((Choice c) -> !c.local())
            .thenComparing(Choice::id);

    private AnycastSelector() {
    }

    /**
     * @param distribution  CLOSEST or BALANCED (MULTICAST is not an anycast: {@link IllegalArgumentException})
     * @param local         ids of local consumers
     * @param remoteRouters routers (other than this one) with consumers
     * @param routes        this router's routing table, for path costs
     * @param inFlight      deliveries in flight per destination id (used by BALANCED)
     * @param rotation      caller's per-address pick counter
     * @return the destination, or empty if there is none reachable
     */
    public static Optional<Choice> select(Distribution distribution, Collection<String> local,
                                          Collection<String> remoteRouters, RoutingTable routes,
                                          ToLongFunction<String> inFlight, long rotation) {
        return switch (distribution) {
            case CLOSEST -> closest(local, remoteRouters, routes, rotation);
            case BALANCED -> balanced(local, remoteRouters, routes, inFlight, rotation);
            case MULTICAST -> throw new IllegalArgumentException("multicast is not an anycast distribution");
        };
    }

    private static Optional<Choice> closest(Collection<String> local, Collection<String> remoteRouters,
                                            RoutingTable routes, long rotation) {
        List<Choice> ties = new ArrayList<>();
        if (!local.isEmpty()) {
            local.forEach(id -> ties.add(new Choice(id, true)));
            return pick(ties, rotation);
        }
        long best = Long.MAX_VALUE;
        for (String router : remoteRouters) {
            Route route = routes.route(router).orElse(null);
            if (route == null || route.cost() > best) {
                continue;
            }
            if (route.cost() < best) {
                best = route.cost();
                ties.clear();
            }
            ties.add(new Choice(router, false));
        }
        return pick(ties, rotation);
    }

    private static Optional<Choice> balanced(Collection<String> local, Collection<String> remoteRouters,
                                             RoutingTable routes, ToLongFunction<String> inFlight, long rotation) {
        List<Choice> ties = new ArrayList<>();
        long best = Long.MAX_VALUE;
        for (String id : local) {
            long value = inFlight.applyAsLong(id);
            if (value <= best) {
                if (value < best) {
                    best = value;
                    ties.clear();
                }
                ties.add(new Choice(id, true));
            }
        }
        for (String router : remoteRouters) {
            Route route = routes.route(router).orElse(null);
            if (route == null) {
                continue;
            }
            long value = inFlight.applyAsLong(router) + route.cost();
            if (value <= best) {
                if (value < best) {
                    best = value;
                    ties.clear();
                }
                ties.add(new Choice(router, false));
            }
        }
        return pick(ties, rotation);
    }

    private static Optional<Choice> pick(List<Choice> ties, long rotation) {
        if (ties.isEmpty()) {
            return Optional.empty();
        }
        if (ties.size() > 1) {
            ties.sort(ORDER);
        }
        return Optional.of(ties.get((int) Math.floorMod(rotation, (long) ties.size())));
    }
}
