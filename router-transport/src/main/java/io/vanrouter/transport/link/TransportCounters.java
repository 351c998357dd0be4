package io.vanrouter.transport.link;

import java.util.concurrent.atomic.AtomicLong;

/** Counts of limits hit and faults seen by the transport, for status and tests. Any thread. */
public final class TransportCounters {
    private final AtomicLong refusalsSent = new AtomicLong();
    private final AtomicLong refusalsReceived = new AtomicLong();
    private final AtomicLong garbageConnections = new AtomicLong();
    private final AtomicLong slowLinkCloses = new AtomicLong();
    private final AtomicLong messagesDroppedNoLink = new AtomicLong();
    private final AtomicLong tlsFailures = new AtomicLong();

    public long refusalsSent() {
        return refusalsSent.get();
    }

    public long refusalsReceived() {
        return refusalsReceived.get();
    }

    /** Connections closed because their first bytes were not a preamble. */
    public long garbageConnections() {
        return garbageConnections.get();
    }

    /** Links closed because their pending outbound bytes passed {@link InterRouterLinkHandler#PENDING_BYTES_MAX}. */
    public long slowLinkCloses() {
        return slowLinkCloses.get();
    }

    /** Connections whose TLS handshake failed (plain client, unknown CA, expired or refused certificate). */
    public long tlsFailures() {
        return tlsFailures.get();
    }

    /** Messages the core sent to a link that was already gone. */
    public long messagesDroppedNoLink() {
        return messagesDroppedNoLink.get();
    }

    void refusalSent() {
        refusalsSent.incrementAndGet();
    }

    void refusalReceived() {
        refusalsReceived.incrementAndGet();
    }

    void tlsFailure() {
        tlsFailures.incrementAndGet();
    }

    void garbageConnection() {
        garbageConnections.incrementAndGet();
    }

    void slowLinkClose() {
        slowLinkCloses.incrementAndGet();
    }

    void messageDroppedNoLink() {
        messagesDroppedNoLink.incrementAndGet();
    }
}
