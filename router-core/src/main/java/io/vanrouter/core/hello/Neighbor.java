package io.vanrouter.core.hello;

/**
 * Hello state of one inter-router link. {@code lastHeardNanos} is the time the peer was last proven alive on the link:
 * the last hello accepted, or (once two-way) the last activity report (any frame received), or the link-up time before
 * the first hello ({@code heard} tells which), so that a silent link also expires. {@code lastHelloNanos} is the last
 * hello alone, for status.
 *
 * <p>Core thread only; owned by {@link NeighborTable}.
 */
public final class Neighbor {
    private final long linkId;
    private final String peerId;
    private final long peerInstance;
    private final long helloIntervalNanos;
    private final long deadIntervalNanos;
    private int cost;
    private boolean twoWay;
    private boolean heard;
    private long lastHeardNanos;
    private long lastHelloNanos;
    private long nextHelloNanos;

    Neighbor(long linkId, String peerId, long peerInstance, int cost, long nowNanos, long helloIntervalNanos,
            long deadIntervalNanos) {
        this.linkId = linkId;
        this.peerId = peerId;
        this.peerInstance = peerInstance;
        this.helloIntervalNanos = helloIntervalNanos;
        this.deadIntervalNanos = deadIntervalNanos;
        this.cost = cost;
        this.lastHeardNanos = nowNanos;
        this.nextHelloNanos = nowNanos;
    }

    public long linkId() {
        return linkId;
    }

    public String peerId() {
        return peerId;
    }

    public long peerInstance() {
        return peerInstance;
    }

    /** How often a hello is sent on this link. */
    public long helloIntervalNanos() {
        return helloIntervalNanos;
    }

    /** The peer is lost when not heard for this long. */
    public long deadIntervalNanos() {
        return deadIntervalNanos;
    }

    public int cost() {
        return cost;
    }

    void cost(int newCost) {
        cost = newCost;
    }

    public boolean twoWay() {
        return twoWay;
    }

    /** True once at least one hello arrived on this link. */
    public boolean heard() {
        return heard;
    }

    public long lastHeardNanos() {
        return lastHeardNanos;
    }

    /** Time of the last hello accepted on this link; meaningful only when {@link #heard()}. */
    public long lastHelloNanos() {
        return lastHelloNanos;
    }

    long nextHelloNanos() {
        return nextHelloNanos;
    }

    void nextHelloNanos(long nanos) {
        nextHelloNanos = nanos;
    }

    void heardAt(long nowNanos) {
        heard = true;
        lastHelloNanos = nowNanos;
        aliveAt(nowNanos);
    }

    /** The peer proved alive at {@code nowNanos}: restarts the dead timer (never moves it back). */
    void aliveAt(long nowNanos) {
        if (nowNanos - lastHeardNanos > 0) {
            lastHeardNanos = nowNanos;
        }
    }

    void twoWay(boolean value) {
        twoWay = value;
    }
}
