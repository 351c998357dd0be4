package io.vanrouter.transport.message;

import io.vanrouter.core.address.AnycastSelector;
import io.vanrouter.core.address.AnycastSelector.Choice;
import io.vanrouter.core.address.GroupRoute;
import io.vanrouter.core.path.RoutingTable;
import io.vanrouter.transport.adaptor.ForwardingView;
import io.vanrouter.transport.message.MessageCounters.Drop;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ingress side of anycast: picks one member per shared group ({@link AnycastSelector}, with in-flight counts per
 * destination), remembers each copy until its MESSAGE_ACK, and for QoS 1 sends it again (DUP) to another member when
 * the destination released it, became unreachable, or did not answer within {@link #ACK_TIMEOUT_NANOS}.
 *
 * <p>Any thread; each pending copy's transitions are serialised by locking it.
 */
final class AnycastTracker {
    /** A QoS 1 copy not acknowledged within this time is sent to another member. */
    static final long ACK_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** A QoS 1 copy that found no member for this long is given up (counted). */
    static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** Pending copies at most; past it QoS 0 copies are sent without tracking (and not counted as in flight). */
    static final int PENDING_MAX = 1_000_000;

    private static final class Pending {
        final long id;
        final String groupKey;
        final String topic;
        final int qos;
        final MessageFrame frame; // QoS 1: kept (retained) for resends; QoS 0: null
        final PublishCompletion completion;
        final long firstNanos;
        final Set<String> tried = new HashSet<>();
        String destination;
        long sentNanos;
        /** The link a remote copy left on (-1 for a local member): when it goes down the copy is sent again. */
        long sentLinkId = -1;
        /** The data connections that link had lost when the copy left (see {@link MessageRouter#pathIntact}). */
        int sentLosses;
        boolean finished;

        Pending(long id, String groupKey, String topic, int qos, MessageFrame frame, PublishCompletion completion,
                long now) {
            this.id = id;
            this.groupKey = groupKey;
            this.topic = topic;
            this.qos = qos;
            this.frame = frame;
            this.completion = completion;
            this.firstNanos = now;
        }
    }

    private final MessageRouter router;
    private final int pendingMax;
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> inFlight = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> rotation = new ConcurrentHashMap<>();

    AnycastTracker(MessageRouter router) {
        this(router, PENDING_MAX);
    }

    /** {@code pendingMax}: {@link #PENDING_MAX}, lower in tests that go past it. */
    AnycastTracker(MessageRouter router, int pendingMax) {
        this.router = router;
        this.pendingMax = pendingMax;
    }

    int pendingCount() {
        return pending.size();
    }

    static String key(GroupRoute group) {
        return group.group() + "/" + group.filter();
    }

    /** One copy of {@code frame} (not owned) for {@code group}; {@code completion} is non-null for QoS 1. */
    void send(MessageFrame frame, GroupRoute group, RoutingTable table, PublishCompletion completion,
            List<Blocker> blockers) {
        long id = router.nextMessageId();
        Pending p = new Pending(id, key(group), frame.topic(), frame.qos(), completion == null ? null
                : frame.retainedDuplicate(), completion, System.nanoTime());
        if (completion != null) {
            completion.expect();
        }
        synchronized (p) {
            dispatch(p, group, frame, table, false, blockers);
        }
    }

    /** Picks a member and sends; the caller holds p's lock. */
    private void dispatch(Pending p, GroupRoute group, MessageFrame source, RoutingTable table, boolean dup,
            List<Blocker> blockers) {
        LocalDelivery local = router.local();
        String self = router.self();
        List<String> locals = !p.tried.contains(self) && local.hasGroupMember(p.groupKey) ? List.of(self) : List.of();
        List<String> remotes = new ArrayList<>(group.remoteMembers().keySet());
        remotes.removeAll(p.tried);
        Optional<Choice> choice = AnycastSelector.select(group.distribution(), locals, remotes, table,
                this::inFlight, rotation.computeIfAbsent(p.groupKey, k -> new AtomicLong()).getAndIncrement());
        if (choice.isEmpty()) {
            p.tried.clear(); // every member was tried: the sweep starts over with all of them
            if (p.qos == 0) {
                router.counters().drop(p.topic, Drop.NO_MEMBER);
                finish(p);
            } else {
                p.destination = null; // the sweep tries again
                pending.put(p.id, p);
                router.sweepNeeded();
            }
            return;
        }
        String destination = choice.get().id();
        p.destination = destination;
        p.sentNanos = System.nanoTime();
        // Only a tracked copy counts as in flight: an untracked one (QoS 0 past pendingMax) is never settled here,
        // so counting it would skew BALANCED selection for good.
        if (p.qos > 0 || pending.size() < pendingMax) {
            counter(destination).incrementAndGet();
            pending.put(p.id, p);
            router.sweepNeeded();
        }
        MessageFrame copy = source.anycast(p.id, destination, p.groupKey, dup);
        p.sentLinkId = choice.get().local() ? -1 : router.linkToward(destination, table);
        p.sentLosses = router.lossesOn(p.sentLinkId);
        if (choice.get().local()) {
            boolean taken;
            try {
                taken = local.deliverToGroup(p.groupKey, copy, accepted -> onAck(p.id, accepted), blockers);
            } finally {
                copy.release();
            }
            if (!taken) {
                onAck(p.id, false);
            }
        } else if (!router.sendTo(destination, copy, table, blockers)) {
            onAck(p.id, false);
        }
    }

    /** MESSAGE_ACK for copy {@code id} (or a local member's settlement). */
    void onAck(long id, boolean accepted) {
        Pending p = pending.get(id);
        if (p == null) {
            return;
        }
        synchronized (p) {
            if (p.finished) {
                return;
            }
            release(p.destination);
            if (accepted || p.qos == 0) {
                if (accepted && p.completion != null) {
                    p.completion.reached(1);
                }
                finish(p);
            } else {
                redispatch(p, p.destination, router.forwarding());
            }
        }
    }

    /** Sends p again (DUP) to another member, excluding {@code lost}; the caller holds p's lock. */
    private void redispatch(Pending p, String lost, ForwardingView view) {
        if (lost != null) {
            p.tried.add(lost);
        }
        p.destination = null;
        Optional<GroupRoute> group = router.route(p.topic, view.addresses()).groups().stream()
                .filter(g -> key(g).equals(p.groupKey)).findFirst();
        if (group.isEmpty()) {
            return; // no member anywhere right now: the sweep retries until GIVE_UP_NANOS
        }
        router.counters().countResend();
        dispatch(p, group.get(), p.frame, view.routes(), true, null);
    }

    private void finish(Pending p) {
        p.finished = true;
        pending.remove(p.id, p);
        if (p.frame != null) {
            p.frame.release();
        }
        if (p.completion != null) {
            p.completion.done();
        }
    }

    /**
     * Resends QoS 1 copies whose destination is gone, whose link went down, or that are silent; forgets QoS 0 copies
     * in the same case.
     */
    void sweep(long now) {
        ForwardingView view = router.forwarding();
        RoutingTable table = view.routes();
        String self = router.self();
        for (Pending p : pending.values()) {
            synchronized (p) {
                if (p.finished) {
                    continue;
                }
                boolean unassigned = p.destination == null;
                // Lost: the member's router is unreachable, or the link the copy left on went down or lost a data
                // connection (the route may only have moved: without this the copy would wait for the answer timeout).
                boolean lost = !unassigned && !p.destination.equals(self) && (table.route(p.destination).isEmpty()
                        || p.sentLinkId >= 0 && !router.pathIntact(p.sentLinkId, p.sentLosses));
                boolean silent = !unassigned && now - p.sentNanos > ACK_TIMEOUT_NANOS;
                if (p.qos == 0) {
                    if (lost || silent) {
                        release(p.destination);
                        finish(p);
                    }
                } else if (now - p.firstNanos > GIVE_UP_NANOS) {
                    release(p.destination);
                    router.counters().drop(p.topic, Drop.GAVE_UP);
                    MessageRouter.LOG.warn("[{}] gave up on message {} for {} after {} s: no member took it",
                            self, p.id, p.groupKey, TimeUnit.NANOSECONDS.toSeconds(GIVE_UP_NANOS));
                    p.completion.gaveUp();
                    finish(p);
                } else if (unassigned || lost || silent) {
                    release(p.destination);
                    redispatch(p, p.destination, view);
                }
            }
        }
        inFlight.keySet().removeIf(router -> !router.equals(self) && table.route(router).isEmpty());
    }

    void close() {
        for (Pending p : pending.values()) {
            synchronized (p) {
                if (!p.finished) {
                    p.finished = true;
                    if (p.frame != null) {
                        p.frame.release();
                    }
                }
            }
        }
        pending.clear();
    }

    /** Copies sent to {@code destination} and not yet settled (used by BALANCED; package-private for tests). */
    long inFlight(String destination) {
        AtomicLong count = inFlight.get(destination);
        return count == null ? 0 : Math.max(0, count.get());
    }

    private AtomicLong counter(String destination) {
        return inFlight.computeIfAbsent(destination, k -> new AtomicLong());
    }

    private void release(String destination) {
        if (destination != null) {
            AtomicLong count = inFlight.get(destination);
            if (count != null) {
                count.decrementAndGet();
            }
        }
    }
}
