package io.vanrouter.core;

import io.vanrouter.core.message.ControlMessage;
import io.vanrouter.core.path.RoutingTable;
import io.vanrouter.core.port.ControlSender;
import io.vanrouter.core.port.RoutingListener;
import io.vanrouter.core.port.TimeSource;
import io.vanrouter.core.status.RouterView;

/**
 * One router's routing engine: neighbours (hello), link-state database and flooding, shortest paths. A pure state
 * machine: it owns no thread, socket or clock. Every method is called on one thread (the core thread); the
 * transport turns socket events into these calls and the {@link ControlSender} carries its output.
 *
 * <p>Contract with the transport:
 * <ul>
 *   <li>{@link #onLinkUp} after a link's handshake succeeded; {@code cost} is already the agreed link cost (the larger
 *       of both ends' configured costs). The core sends its first hello on the link at once.</li>
 *   <li>{@link #onLinkDown} when the connection closed for any reason; the neighbour is removed at once.</li>
 *   <li>{@link #onMessage} for each decoded control record received on a link.</li>
 *   <li>{@link #tick} regularly (every 50-100 ms, and after each batch of events): sends due hellos, expires
 *       neighbours past the dead interval, refreshes and ages link state, and recomputes routes when anything
 *       changed.</li>
 * </ul>
 *
 * <p>Core thread only. Not thread-safe.
 */
public final class RouterCore {

    public RouterCore(CoreSettings settings, TimeSource clock, ControlSender sender, RoutingListener listener) {
        throw new UnsupportedOperationException("to be written");
    }

    public CoreSettings settings() {
        throw new UnsupportedOperationException("to be written");
    }

    public void onLinkUp(long linkId, String peerId, long peerInstance, int cost) {
        throw new UnsupportedOperationException("to be written");
    }

    public void onLinkDown(long linkId, String reason) {
        throw new UnsupportedOperationException("to be written");
    }

    public void onMessage(long linkId, ControlMessage message) {
        throw new UnsupportedOperationException("to be written");
    }

    public void tick() {
        throw new UnsupportedOperationException("to be written");
    }

    /** The newest routing table (also handed to the listener when it changes). */
    public RoutingTable routingTable() {
        throw new UnsupportedOperationException("to be written");
    }

    /** A snapshot for status; cheap enough to build on demand. */
    public RouterView view() {
        throw new UnsupportedOperationException("to be written");
    }
}
