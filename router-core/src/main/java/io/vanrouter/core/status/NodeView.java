package io.vanrouter.core.status;

/**
 * One router known to this router (self excluded). {@code nextHop} is null and {@code cost} is -1 when unreachable.
 * {@code instance} and {@code linkStateSequence} are -1 when no link-state record of it has arrived yet.
 * {@code routeAgeMillis}: how long ago its next hop, cost or reachability last changed here; -1 if never routed.
 */
public record NodeView(
        String routerId,
        boolean reachable,
        String nextHop,
        long cost,
        int hops,
        long instance,
        long linkStateSequence,
        long linkStateAgeMillis,
        long routeAgeMillis) {
}
