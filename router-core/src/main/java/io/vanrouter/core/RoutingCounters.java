package io.vanrouter.core;

/**
 * What the routing engine did since start, for metrics: shortest-path runs and their time, link-state records
 * received and stored, and how long the last change took to reach a new routing table.
 *
 * <p>Written by the core thread only (each field has that single writer, so {@code x = x + 1} on a volatile is
 * safe); read from any thread.
 */
public final class RoutingCounters {
    private volatile long spfRuns;
    private volatile long spfNanos;
    private volatile long tablesPublished;
    private volatile long linkStateUpdatesReceived;
    private volatile long linkStateChanges;
    private volatile long linkStateOriginated;
    private volatile long lastConvergenceNanos = -1;

    /** Shortest-path computations run (one per tick with a pending change). */
    public long spfRuns() {
        return spfRuns;
    }

    /** Time spent in them, in nanoseconds of the core's clock. */
    public long spfNanos() {
        return spfNanos;
    }

    /** Routing tables published because routes, unreachables or multicast trees changed. */
    public long tablesPublished() {
        return tablesPublished;
    }

    /** LINK_STATE records received from neighbours (new, refreshes and old copies alike). */
    public long linkStateUpdatesReceived() {
        return linkStateUpdatesReceived;
    }

    /** Of those, records stored that changed another router's links or costs (a topology change). */
    public long linkStateChanges() {
        return linkStateChanges;
    }

    /** This router's own record originated again because its adjacencies changed. */
    public long linkStateOriginated() {
        return linkStateOriginated;
    }

    /**
     * From the first input that marked routes dirty to the routing table that followed, for the last published
     * table, in nanoseconds; -1 before the first. Local only: the time this router took to act on what it heard.
     */
    public long lastConvergenceNanos() {
        return lastConvergenceNanos;
    }

    void spfRun(long nanos) {
        spfRuns = spfRuns + 1;
        spfNanos = spfNanos + nanos;
    }

    void tablePublished(long convergenceNanos) {
        tablesPublished = tablesPublished + 1;
        lastConvergenceNanos = convergenceNanos;
    }

    void linkStateReceived(boolean changed) {
        linkStateUpdatesReceived = linkStateUpdatesReceived + 1;
        if (changed) {
            linkStateChanges = linkStateChanges + 1;
        }
    }

    void ownLinkStateOriginated() {
        linkStateOriginated = linkStateOriginated + 1;
    }
}
