package io.vanrouter.transport;

/**
 * One inter-router connection or configured peer, as the transport sees it.
 *
 * @param linkId     id shared with the core's neighbour view; -1 for a configured peer with no link yet
 * @param peerId     the peer's router id; null before a handshake has ever completed
 * @param direction  {@code "out"} when this router dialed, {@code "in"} when it accepted
 * @param remote     remote socket address, or the configured host:port of a peer not connected
 * @param state      {@code "active"}, {@code "handshaking"}, {@code "connecting"} or {@code "backoff"}
 * @param cost       agreed link cost (configured cost before a handshake)
 * @param ageMillis  time in the current state
 * @param lastError  why the last attempt failed or the link closed; null if none
 * @param dataConnections data connections of an active link (docs/protocol.md, section 5.1); 0 otherwise
 */
public record LinkView(
        long linkId,
        String peerId,
        String direction,
        String remote,
        String state,
        int cost,
        long ageMillis,
        String lastError,
        int dataConnections) {
}
