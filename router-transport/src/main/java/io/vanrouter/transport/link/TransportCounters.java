package io.vanrouter.transport.link;

import io.vanrouter.transport.wire.ReasonCode;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts of limits hit and faults seen by the transport, for status, metrics and tests: refusals by reason code each
 * way, links established and lost per neighbour, and each neighbour's traffic ({@link PeerTraffic}). Neighbour keys
 * are router ids of peers that completed a handshake, bounded by the routers in the network. Any thread.
 */
public final class TransportCounters {
    /** Index {@code ReasonCode.ordinal()}; the last slot counts codes this version does not know. */
    private final AtomicLongArray refusalsSentByReason = new AtomicLongArray(ReasonCode.values().length + 1);
    private final AtomicLongArray refusalsReceivedByReason = new AtomicLongArray(ReasonCode.values().length + 1);
    private final Map<String, AtomicLong> linksEstablished = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> linksLost = new ConcurrentHashMap<>();
    private final Map<String, PeerTraffic> traffic = new ConcurrentHashMap<>();
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

    /** REFUSE frames sent, by reason code name (every known code, zeros included). */
    public Map<String, Long> refusalsSentByReason() {
        return byReason(refusalsSentByReason);
    }

    /** REFUSE frames received, by reason code name ({@code UNKNOWN} lumps codes this version does not know). */
    public Map<String, Long> refusalsReceivedByReason() {
        return byReason(refusalsReceivedByReason);
    }

    /** Links (control connections) that completed their handshake, per neighbour router id. */
    public Map<String, Long> linksEstablished() {
        return snapshot(linksEstablished);
    }

    /** Links that went down, per neighbour router id. */
    public Map<String, Long> linksLost() {
        return snapshot(linksLost);
    }

    /** Bytes and frames exchanged with each neighbour router since start, links and data connections together. */
    public Map<String, PeerTraffic.Totals> traffic() {
        Map<String, PeerTraffic.Totals> totals = new TreeMap<>();
        traffic.forEach((peer, t) -> totals.put(peer, t.totals()));
        return totals;
    }

    void refusalSent(ReasonCode reason) {
        refusalsSent.incrementAndGet();
        refusalsSentByReason.incrementAndGet(slot(reason));
    }

    void refusalReceived(int reasonCode) {
        refusalsReceived.incrementAndGet();
        refusalsReceivedByReason.incrementAndGet(slot(ReasonCode.fromCode(reasonCode)));
    }

    void linkEstablished(String peerId) {
        linksEstablished.computeIfAbsent(peerId, p -> new AtomicLong()).incrementAndGet();
    }

    void linkLost(String peerId) {
        linksLost.computeIfAbsent(peerId, p -> new AtomicLong()).incrementAndGet();
    }

    PeerTraffic peerTraffic(String peerId) {
        return traffic.computeIfAbsent(peerId, p -> new PeerTraffic());
    }

    private static int slot(ReasonCode reason) {
        return reason == null ? ReasonCode.values().length : reason.ordinal();
    }

    private static Map<String, Long> byReason(AtomicLongArray counts) {
        Map<String, Long> map = new TreeMap<>();
        for (int i = 0; i < counts.length(); i++) {
            long count = counts.get(i);
            if (i < ReasonCode.values().length) {
                map.put(ReasonCode.values()[i].name(), count);
            } else if (count > 0) {
                map.put("UNKNOWN", count);
            }
        }
        return map;
    }

    private static Map<String, Long> snapshot(Map<String, AtomicLong> counts) {
        Map<String, Long> map = new TreeMap<>();
        counts.forEach((key, count) -> map.put(key, count.get()));
        return map;
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
