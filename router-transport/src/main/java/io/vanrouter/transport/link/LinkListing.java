package io.vanrouter.transport.link;

import io.vanrouter.transport.LinkView;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The status list of a router's links: active links, connections still handshaking and configured peers without a
 * link, each connection listed once.
 *
 * <p>The three sources change on different threads and hand a connection on at different moments: a link is admitted
 * before its session leaves the handshaking set, and a dialer hears that its connection is up (and later that its
 * handshake completed) on its own loop, around the moments the session is registered and admitted. Matching them by
 * connection (not by address text, which differs when a peer is configured by host name) lists each connection once,
 * in its most advanced state, and never drops one in between.
 */
public final class LinkListing {
    /** One view and the connection it describes; {@code connection} is null for a dialer with none. */
    record Entry(Object connection, LinkView view) {
    }

    private LinkListing() {
    }

    /** Any thread. */
    public static List<LinkView> of(LinkRegistry registry, Collection<PeerDialer> dialers, long nowNanos) {
        List<Entry> active = new ArrayList<>();
        for (ActiveLink link : registry.activeLinks()) {
            active.add(new Entry(link.channel(), link.view(nowNanos)));
        }
        List<Entry> handshaking = new ArrayList<>();
        for (LinkSession session : registry.handshakingSessions()) {
            handshaking.add(new Entry(session.channel(), session.view(nowNanos)));
        }
        List<Entry> dialing = new ArrayList<>();
        for (PeerDialer dialer : dialers) {
            LinkView view = dialer.viewWithoutLink(nowNanos);
            if (view != null) {
                dialing.add(new Entry(dialer.connection(), view));
            }
        }
        return merge(active, handshaking, dialing);
    }

    /** Pure: sorted by state, then remote address. */
    static List<LinkView> merge(List<Entry> active, List<Entry> handshaking, List<Entry> dialers) {
        List<LinkView> views = new ArrayList<>();
        Map<Object, Integer> listedAt = new IdentityHashMap<>();
        for (Entry link : active) {
            listedAt.put(link.connection(), views.size());
            views.add(link.view());
        }
        for (Entry session : handshaking) {
            if (listedAt.containsKey(session.connection())) {
                continue; // admitted already; its session leaves the handshaking set next
            }
            listedAt.put(session.connection(), views.size());
            views.add(session.view());
        }
        for (Entry dialer : dialers) {
            Integer listed = dialer.connection() == null ? null : listedAt.get(dialer.connection());
            if (listed == null) {
                views.add(dialer.view());
                continue;
            }
            // The connection is listed by its session: show it once, with the dialer's last error if it has none.
            LinkView shown = views.get(listed);
            String error = dialer.view().lastError();
            if (shown.lastError() == null && error != null && !"active".equals(shown.state())) {
                views.set(listed, new LinkView(shown.linkId(), shown.peerId(), shown.direction(), shown.remote(),
                        shown.state(), shown.cost(), shown.ageMillis(), error, shown.dataConnections()));
            }
        }
        views.sort(Comparator.comparing(LinkView::state).thenComparing(LinkView::remote));
        return views;
    }
}
