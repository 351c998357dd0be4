package io.vanrouter.transport.wire;

/**
 * LINK_COST: the sender's configured cost for the link it travels on, sent when a reload changed it. Both ends agree
 * on the larger of the two configured costs, as at the handshake. Immutable.
 */
public record LinkCostFrame(int cost) {
    public LinkCostFrame {
        if (cost < 1) {
            throw new IllegalArgumentException("cost must be positive: " + cost);
        }
    }
}
