package io.vanrouter.daemon.mgmt;

import java.util.List;

/**
 * Where a connection or message to {@code address} would go from {@code router} now, and why: the answer of
 * {@code GET /trace?address=...} and of {@code vanrouter trace}. Field names are part of the management API: add,
 * never rename.
 *
 * @param kind         {@code address} (a TCP service address, with connectors), {@code topic} (an MQTT topic, with
 *                     subscribers) or {@code none} (no consumer anywhere)
 * @param distribution {@code closest}, {@code balanced} or {@code multicast}: the address rule in force
 * @param destinations every router with consumers, selected or not
 * @param reason       one sentence on how the destinations were chosen
 * @param generation   the forwarding generation the answer was computed from
 */
public record TraceReport(String router, String address, String kind, String distribution,
        List<Destination> destinations, String reason, long generation) {

    public TraceReport {
        destinations = destinations == null ? List.of() : List.copyOf(destinations);
    }

    /**
     * A router with consumers of the address.
     *
     * @param group     the MQTT shared subscription group, or null
     * @param consumers consumers at that router (connectors, subscriptions)
     * @param cost      path cost from the answering router (0 for itself, -1 when unreachable)
     * @param path      routers along the way, both ends included; empty when unreachable
     * @param load      what the balanced choice weighs besides cost: TCP connections this router has open to it
     *                  for this address, or MQTT copies sent toward it and not settled yet (shared groups); -1
     *                  when not weighed or not tracked
     * @param selected  true when a connection or message now would go there (for anycast: one of the tied
     *                  best, taken in turn; for multicast: every reachable one)
     */
    public record Destination(String router, String group, int consumers, boolean reachable, long cost,
            List<String> path, long load, boolean selected) {
    }
}
