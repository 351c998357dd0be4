package io.vanrouter.transport.link;

import io.vanrouter.transport.wire.ReasonCode;

/**
 * Told how an outgoing connection went; implemented by {@link PeerDialer}. Called on the connection's event loop,
 * which is the dialer's own loop.
 */
interface LinkObserver {

    /** The handshake succeeded and the link is registered. */
    void handshakeCompleted(String peerId);

    /**
     * The connection closed after it had connected.
     *
     * @param peerId the peer's router id, or null if its handshake never arrived
     * @param reason the REFUSE/CLOSE reason sent or received, or null when the connection just dropped
     * @param text   why, for views and logs
     */
    void connectionClosed(String peerId, ReasonCode reason, String text);
}
