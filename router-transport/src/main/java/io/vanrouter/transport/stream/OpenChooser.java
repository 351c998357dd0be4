package io.vanrouter.transport.stream;

/**
 * Chooses where a STREAM_OPEN addressed to this router goes when edge routers are involved: an OPEN from an attached
 * edge asks this interior router to choose a connector anywhere in the network (the edge knows no more than its
 * uplink), and an OPEN from another router for an address that this router advertises on behalf of its edges is
 * shared between its own connector and those edges. Implemented by the TCP adaptor, which owns the distributions.
 *
 * <p>Any thread (event loops, per OPEN): reads published snapshots, never blocks.
 */
@FunctionalInterface
public interface OpenChooser {

    /**
     * The router to carry a stream for {@code address}: this router's id for its own connector, an attached edge's id,
     * or (when {@code anywhere}) any reachable router with a connector; null when there is none.
     */
    String choose(String address, boolean anywhere);
}
