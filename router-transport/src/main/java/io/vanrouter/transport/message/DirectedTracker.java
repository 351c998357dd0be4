package io.vanrouter.transport.message;

import io.vanrouter.core.path.RoutingTable;
import io.vanrouter.transport.adaptor.ForwardingView;
import io.vanrouter.transport.message.MessageCounters.Drop;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * QoS 1 messages to remote non-shared subscribers, end to end: the ingress sends one directed copy (destination = the
 * subscriber's router, empty group) to every router with matching subscribers, and the publisher's PUBACK waits for
 * each of them to answer MESSAGE_ACK once it has handed the message to its local subscribers. A copy lost with a link
 * (cut, stalled, its router frozen) is sent again, with DUP, over the current route: when the link it left on is gone
 * or has lost a data connection since, when the copy was refused on the way (RELEASED), or after
 * {@link #ACK_TIMEOUT_NANOS} without an answer. A copy is
 * settled without delivery when its router, still reachable, no longer has subscribers for the topic (they left). When
 * its router became unreachable instead, the subscribers may have moved: an interior router advertises its edge
 * routers' subscribers as its own, and an edge whose uplink died attaches to another one. So such a copy waits
 * {@link #MOVE_GRACE_NANOS} and then goes again, with DUP, to every router that advertises subscribers for the topic by
 * then (settled if none does). It is given up after {@link #GIVE_UP_NANOS} (counted). Duplicates are possible, as
 * QoS 1 allows; loss of an acknowledged message is not, while the subscriber's router, or the edge router it is on,
 * stays reachable.
 *
 * <p>QoS 0 copies still follow the multicast tree (one copy per link); QoS 1 pays one copy per destination router on
 * the ingress's links for the guarantee.
 *
 * <p>Any thread; each pending copy is guarded by its own lock.
 */
final class DirectedTracker {
    /** A copy not answered within this time is sent again. */
    static final long ACK_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** A copy not delivered for this long is given up (counted as GAVE_UP) and its publisher acknowledged. */
    static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(60);
    /**
     * How long a copy whose router became unreachable waits for its subscribers to show up elsewhere: an edge moves to
     * its next uplink at once when its connection closes, and the new uplink advertises it within a few hundred ms.
     */
    static final long MOVE_GRACE_NANOS = TimeUnit.SECONDS.toNanos(3);
    /** Directed copies pending at most; past it new ones are sent untracked, as a multicast copy would be. */
    static final int PENDING_MAX = 1_000_000;

    private static final class Pending {
        final long id;
        final String destination;
        /** An edge router's copy for its uplink: goes to whichever uplink is active, needs no known subscriber. */
        final boolean uplink;
        final MessageFrame frame; // retained for resends
        final PublishCompletion completion;
        final long firstNanos;
        long sentNanos;
        /** The link the last copy left on, or -1 when it could not be sent (no route): the sweep sends it again. */
        long sentLinkId = -1;
        /** The data connections that link had lost when the copy left (see {@link MessageRouter#pathIntact}). */
        int sentLosses;
        boolean refused;
        boolean finished;
        /** When the sweep first found the destination unreachable; 0 while it is reachable. */
        long unreachableSinceNanos;

        Pending(long id, String destination, boolean uplink, MessageFrame frame, PublishCompletion completion,
                long firstNanos) {
            this.id = id;
            this.destination = destination;
            this.uplink = uplink;
            this.frame = frame;
            this.completion = completion;
            this.firstNanos = firstNanos;
        }
    }

    private final MessageRouter router;
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();

    DirectedTracker(MessageRouter router) {
        this.router = router;
    }

    int pendingCount() {
        return pending.size();
    }

    /** One copy of {@code frame} (not owned) to each router of {@code destinations}; returns how many went out. */
    int send(MessageFrame frame, Set<String> destinations, RoutingTable table, PublishCompletion completion,
            List<Blocker> blockers) {
        int sent = 0;
        long now = System.nanoTime();
        for (String destination : destinations) {
            long id = router.nextMessageId();
            if (pending.size() >= PENDING_MAX) {
                router.sendTo(destination, frame.anycast(id, destination, "", false), table, blockers);
                sent++;
                continue;
            }
            Pending p = new Pending(id, destination, false, frame.retainedDuplicate(), completion, now);
            completion.expect();
            synchronized (p) {
                // Published under its lock: a sweep that finds it before its first dispatch would take it for
                // unsent (sentLinkId -1) and send a second copy (a duplicate with no fault, seen once in 20,800).
                pending.put(id, p);
                router.sweepNeeded();
                if (dispatch(p, table, false, blockers)) {
                    sent++;
                }
            }
        }
        return sent;
    }

    /**
     * An edge router's one copy of {@code frame} (not owned) for its active uplink {@code uplink}; a resend after the
     * uplink is lost goes to the next one (the edge's default route). Returns 1 if it went out now.
     */
    int sendUplink(MessageFrame frame, String uplink, RoutingTable table, PublishCompletion completion,
            List<Blocker> blockers) {
        long id = router.nextMessageId();
        Pending p = new Pending(id, uplink, true, frame.retainedDuplicate(), completion, System.nanoTime());
        completion.expect();
        synchronized (p) {
            pending.put(id, p);
            router.sweepNeeded();
            return dispatch(p, table, false, blockers) ? 1 : 0;
        }
    }

    /** Sends p's copy over the current route; the caller holds p's lock. */
    private boolean dispatch(Pending p, RoutingTable table, boolean dup, List<Blocker> blockers) {
        p.refused = false;
        p.sentNanos = System.nanoTime();
        p.sentLinkId = router.linkToward(p.destination, table);
        p.sentLosses = router.lossesOn(p.sentLinkId);
        if (p.sentLinkId < 0) {
            return false; // no route or link now: the sweep tries again
        }
        return router.sendTo(p.destination, p.frame.anycast(p.id, p.destination, "", dup), table, blockers);
    }

    /** MESSAGE_ACK for a directed copy; false when {@code id} is not one of ours. */
    boolean onAck(long id, boolean accepted) {
        Pending p = pending.get(id);
        if (p == null) {
            return false;
        }
        synchronized (p) {
            if (!p.finished) {
                if (accepted) {
                    p.completion.reached(1);
                    finish(p);
                } else {
                    p.refused = true; // sent again by the next sweep, not at once: the refusal was congestion
                }
            }
        }
        return true;
    }

    /** Sends again what was lost or refused; settles what has nowhere to go; gives up what waited too long. */
    void sweep(long now) {
        ForwardingView view = router.forwarding();
        RoutingTable table = view.routes();
        for (Pending p : pending.values()) {
            synchronized (p) {
                if (p.finished) {
                    continue;
                }
                Map<String, Integer> subscribers = p.uplink ? Map.of()
                        : router.route(p.frame.topic(), view.addresses()).remoteSubscribers();
                if (!p.uplink && !subscribers.containsKey(p.destination)) {
                    if (table.route(p.destination).isPresent()) {
                        finish(p); // its subscribers left: nothing to deliver
                    } else if (p.unreachableSinceNanos == 0) {
                        p.unreachableSinceNanos = now; // they may be edges on their way to another uplink
                    } else if (now - p.unreachableSinceNanos >= MOVE_GRACE_NANOS) {
                        retarget(p, subscribers.keySet(), table);
                    }
                    continue;
                }
                p.unreachableSinceNanos = 0;
                if (now - p.firstNanos > GIVE_UP_NANOS) {
                    router.counters().drop(p.frame.topic(), Drop.GAVE_UP);
                    MessageRouter.LOG.warn("[{}] gave up on message {} for subscribers at {} after {} s",
                            router.self(), p.id, p.destination, TimeUnit.NANOSECONDS.toSeconds(GIVE_UP_NANOS));
                    p.completion.gaveUp();
                    finish(p);
                } else if (p.refused || p.sentLinkId < 0 || !router.pathIntact(p.sentLinkId, p.sentLosses)
                        || now - p.sentNanos > ACK_TIMEOUT_NANOS) {
                    router.counters().countResend();
                    dispatch(p, table, true, null);
                }
            }
        }
    }

    /**
     * p's router has been unreachable for {@link #MOVE_GRACE_NANOS}: sends the message, with DUP, to every router that
     * advertises subscribers for its topic now (a duplicate for those that had it already), then settles p. The new
     * copies keep p's publish time for the give-up limit. The caller holds p's lock.
     */
    private void retarget(Pending p, Set<String> routers, RoutingTable table) {
        for (String destination : routers) {
            long id = router.nextMessageId();
            Pending copy = new Pending(id, destination, false, p.frame.retainedDuplicate(), p.completion,
                    p.firstNanos);
            p.completion.expect();
            synchronized (copy) {
                pending.put(id, copy);
                router.counters().countResend();
                dispatch(copy, table, true, null);
            }
        }
        MessageRouter.LOG.info("[{}] message {} for subscribers at {}: {} unreachable for {} ms; sent again to {}",
                router.self(), p.id, p.destination, p.destination, TimeUnit.NANOSECONDS.toMillis(MOVE_GRACE_NANOS),
                routers.isEmpty() ? "nobody (no subscribers left)" : routers);
        finish(p);
    }

    void close() {
        for (Pending p : pending.values()) {
            synchronized (p) {
                if (!p.finished) {
                    p.finished = true;
                    p.frame.release();
                }
            }
        }
        pending.clear();
    }

    private void finish(Pending p) {
        p.finished = true;
        pending.remove(p.id, p);
        p.frame.release();
        p.completion.done();
    }
}
