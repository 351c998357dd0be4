package io.vanrouter.core.hello;

/**
 * Hello state of one inter-router link. {@code lastHeardNanos} is the time of the last hello accepted on the link, or
 * the link-up time before the first one ({@code heard} tells which), so that a silent link also expires.
 *
 * <p>Core thread only; owned by {@link NeighborTable}.
 */
public final class Neighbor {
    private final long linkId;
    private final String peerId;
    private final long peerInstance;
    private final int cost;
    private boolean twoWay;
    private boolean heard;
    private long lastHeardNanos;
    private long nextHelloNanos;

    Neighbor(long linkId, String peerId, long peerInstance, int cost, long nowNanos) {
        this.linkId = linkId;
        this.peerId = peerId;
        this.peerInstance = peerInstance;
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

    public int cost() {
        return cost;
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

    long nextHelloNanos() {
        return nextHelloNanos;
    }

    void nextHelloNanos(long nanos) {
        nextHelloNanos = nanos;
    }

    void heardAt(long nowNanos) {
        heard = true;
        lastHeardNanos = nowNanos;
    }

    void twoWay(boolean value) {
        twoWay = value;
    }
}
