package io.vanrouter.transport.link;

import io.vanrouter.transport.wire.ReasonCode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Active links by id and by peer router id, plus connections still handshaking. Admission applies the duplicate
 * rules atomically, because two event loops can finish handshakes with the same peer at once:
 * <ul>
 *   <li>an active link to the same router id with another instance: refuse with DUPLICATE_ROUTER_ID;</li>
 *   <li>the same router id and instance (both sides dialed): keep the connection dialed by the router with the
 *       smaller id and close the other with DUPLICATE_LINK. Both ends apply the same rule, so they agree.</li>
 * </ul>
 *
 * <p>Any thread. The lock guards only map updates; callbacks run outside it.
 */
public final class LinkRegistry {
    /** The outcome of {@link #admit}: either {@code link} (with a {@code displaced} link to close, or null) or a refusal. */
    record Admission(ActiveLink link, ActiveLink displaced, ReasonCode refusal, String text) {
        static Admission refused(ReasonCode reason, String text) {
            return new Admission(null, null, reason, text);
        }
    }

    private final String routerId;
    private final AtomicLong nextLinkId = new AtomicLong(1);
    private final Map<Long, ActiveLink> byId = new ConcurrentHashMap<>();
    private final Map<String, ActiveLink> activeByPeer = new ConcurrentHashMap<>(); // lock-free reads, data plane
    private final Set<LinkSession> handshaking = ConcurrentHashMap.newKeySet();
    private final Object lock = new Object();
    private final Map<String, ActiveLink> byPeer = new HashMap<>(); // guarded by lock
    private final Map<String, List<Runnable>> peerGoneWatchers = new HashMap<>(); // guarded by lock

    public LinkRegistry(String routerId) {
        this.routerId = routerId;
    }

    /** The active link with this id, or null. */
    public ActiveLink get(long linkId) {
        return byId.get(linkId);
    }

    /** The current link to neighbour {@code peerId}, or null; lock-free (the data plane's next hops). */
    public ActiveLink toPeer(String peerId) {
        return activeByPeer.get(peerId);
    }

    public Collection<ActiveLink> activeLinks() {
        return List.copyOf(byId.values());
    }

    public Collection<LinkSession> handshakingSessions() {
        return List.copyOf(handshaking);
    }

    void handshakeStarted(LinkSession session) {
        handshaking.add(session);
    }

    void handshakeEnded(LinkSession session) {
        handshaking.remove(session);
    }

    /** Registers a link for a session whose peer passed validation, or says why it may not be linked. */
    Admission admit(LinkSession session, String peerId, long peerInstance, int cost, int dataConnections) {
        synchronized (lock) {
            ActiveLink existing = byPeer.get(peerId);
            ActiveLink displaced = null;
            if (existing != null && !existing.channel().isOpen()) {
                displaced = existing; // closed, its link-down still on its way: not a reason to refuse the peer
            } else if (existing != null) {
                if (existing.peerInstance() != peerInstance) {
                    return Admission.refused(ReasonCode.DUPLICATE_ROUTER_ID, "router id " + peerId
                            + " already linked with instance " + existing.peerInstance());
                }
                String keeper = routerId.compareTo(peerId) < 0 ? routerId : peerId;
                boolean candidatePreferred = dialer(session, peerId).equals(keeper);
                boolean existingPreferred = dialer(existing.session(), peerId).equals(keeper);
                if (!candidatePreferred || existingPreferred) {
                    return Admission.refused(ReasonCode.DUPLICATE_LINK, "already linked to " + peerId
                            + " (link L" + existing.linkId() + "); keeping the connection dialed by " + keeper);
                }
                displaced = existing;
            }
            ActiveLink link = new ActiveLink(nextLinkId.getAndIncrement(), peerId, peerInstance, cost, session,
                    System.nanoTime(), new DataConnections(dataConnections));
            byPeer.put(peerId, link);
            activeByPeer.put(peerId, link);
            byId.put(link.linkId(), link);
            return new Admission(link, displaced, null, null);
        }
    }

    /**
     * The link a data connection from {@code peerId} (boot {@code peerInstance}) joins: the current link to that peer,
     * which must have been dialed by the peer (data connections are dialed by the end that dialed the link); else null.
     */
    ActiveLink linkForData(String peerId, long peerInstance) {
        ActiveLink link = activeByPeer.get(peerId);
        return link != null && link.peerInstance() == peerInstance && !link.dialed() ? link : null;
    }

    /** Whether {@code link} is still the registered link with its id. */
    boolean isCurrent(ActiveLink link) {
        return byId.get(link.linkId()) == link;
    }

    /** Forgets a link whose channel closed; runs the watchers of its peer if it was that peer's current link. */
    void remove(ActiveLink link) {
        List<Runnable> watchers = List.of();
        synchronized (lock) {
            byId.remove(link.linkId());
            if (byPeer.get(link.peerId()) == link) {
                byPeer.remove(link.peerId());
                activeByPeer.remove(link.peerId(), link);
                List<Runnable> waiting = peerGoneWatchers.remove(link.peerId());
                watchers = waiting == null ? List.of() : waiting;
            }
        }
        watchers.forEach(Runnable::run);
    }

    /** Runs {@code action} once no link to {@code peerId} is registered: now, or when that link goes. */
    void whenPeerGone(String peerId, Runnable action) {
        synchronized (lock) {
            if (byPeer.containsKey(peerId)) {
                peerGoneWatchers.computeIfAbsent(peerId, k -> new ArrayList<>()).add(action);
                return;
            }
        }
        action.run();
    }

    private String dialer(LinkSession session, String peerId) {
        return session.outbound() ? routerId : peerId;
    }
}
