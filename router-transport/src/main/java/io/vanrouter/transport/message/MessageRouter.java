package io.vanrouter.transport.message;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.vanrouter.core.address.AddressSnapshotView;
import io.vanrouter.core.address.GroupRoute;
import io.vanrouter.core.address.MulticastPlanner;
import io.vanrouter.core.address.TopicRoute;
import io.vanrouter.core.path.Route;
import io.vanrouter.core.path.RoutingTable;
import io.vanrouter.transport.adaptor.ForwardingView;
import io.vanrouter.transport.link.ActiveLink;
import io.vanrouter.transport.link.DataConnections;
import io.vanrouter.transport.link.InterRouterLinkHandler;
import io.vanrouter.transport.link.LinkMessageSink;
import io.vanrouter.transport.link.LinkRegistry;
import io.vanrouter.transport.message.MessageCounters.Drop;
import io.vanrouter.transport.message.MessageCounters.TopicRow;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes MESSAGE frames: from local publishers (ingress) and from links (transit or destination).
 * <ul>
 *   <li>Multicast (non-shared subscribers): one copy to each child of this router in the ingress router's
 *       shortest-path tree whose subtree holds a router with matching subscribers ({@link MulticastPlanner}), plus
 *       local subscribers. Copies share the payload.</li>
 *   <li>Anycast (shared groups): the ingress picks one member per matching group and sends one copy toward its router
 *       ({@link AnycastTracker}); the destination answers with MESSAGE_ACK, routed back hop by hop.</li>
 * </ul>
 * Which connection: a copy leaves on the link's data connection on the sending thread's event loop
 * ({@link DataConnections#onCurrentLoop}), else on the link itself. A publisher's messages, and the copies a transit
 * router forwards from one connection, therefore never change threads on the way out and keep their order, and a
 * destination answers MESSAGE_ACK on the loop that received the copy: back on the connection it came over.
 *
 * <p>Outbound bytes per connection are bounded so that control frames (HELLO, LINK_STATE) never wait behind unbounded
 * data: copies from local publishers are always written and pause their publisher while the connection is not
 * writable (back-pressure, {@link Blocker}); transit copies (arriving on a link) are refused by
 * {@link #transitAccepts}: QoS 0 and anycast copies while the next-hop connection is not writable (above its
 * high-water mark), multicast QoS 1 copies above {@link #TRANSIT_QOS1_PENDING_BYTES_MAX}. A refused copy is counted ({@code LINK_CONGESTED}); an anycast one is
 * answered RELEASED so that the ingress chooses again (QoS 1: another member or, after the sweep, the same one; DUP).
 *
 * <p>Reads the routing table and address view through lock-free suppliers. Any thread: publishers' and links' event
 * loops call it concurrently.
 */
public final class MessageRouter implements LinkMessageSink {
    static final Logger LOG = LoggerFactory.getLogger("vanrouter.message");
    /** How often pending anycast copies are checked for a lost destination. */
    public static final long SWEEP_INTERVAL_MILLIS = 100;

    private final String self;
    private final int maxFrameBytes;
    private final Supplier<ForwardingView> forwarding;
    private final LinkRegistry links;
    private final MessageCounters counters = new MessageCounters();
    private final AtomicLong ids;
    private final AnycastTracker anycast;
    private final DirectedTracker directed;
    private final Map<Channel, Queue<Runnable>> waiters = new ConcurrentHashMap<>();
    private final Map<Channel, Outbox> outboxes = new ConcurrentHashMap<>();
    private volatile LocalDelivery local = LocalDelivery.NONE;
    private volatile MulticastPlanner planner;
    private volatile ScheduledFuture<?> sweep;
    private volatile EventExecutor sweepExecutor;
    private final AtomicBoolean sweepScheduled = new AtomicBoolean();
    private volatile boolean closed;
    private volatile RouteCache routeCache = new RouteCache(-1);

    /** Topic routes of one address-view generation; dropped as a whole when the view changes or it is full. */
    private record RouteCache(long generation, Map<String, TopicRoute> routes) {
        RouteCache(long generation) {
            this(generation, new ConcurrentHashMap<>());
        }
    }

    /**
     * Pending outbound bytes of a link above which transit multicast QoS 1 copies are refused too: half the slow-link limit, so
     * a congested link drops copies rather than being closed (which would lose everything queued on it).
     */
    public static final long TRANSIT_QOS1_PENDING_BYTES_MAX = InterRouterLinkHandler.PENDING_BYTES_MAX / 2;

    /**
     * One outbox task writes at most this many frames, and stops early once it has run {@link #OUTBOX_BATCH_NANOS}
     * (checked every 64 frames), then yields the link's loop (see {@link Outbox#run}). Large enough that a fast
     * machine writes and flushes a full burst at once.
     */
    static final int OUTBOX_BATCH_FRAMES = 4_096;
    static final long OUTBOX_BATCH_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    /** Topics whose route is cached per address-view generation (matching is not redone per message). */
    static final int ROUTE_CACHE_MAX = 10_000;

    /** @param maxFrameBytes the links' frame limit: a MESSAGE above it cannot be sent (see {@link #maxFrameBytes}) */
    public MessageRouter(String self, long instance, int maxFrameBytes, Supplier<ForwardingView> forwarding,
            LinkRegistry links) {
        this.self = self;
        this.maxFrameBytes = maxFrameBytes;
        this.forwarding = forwarding;
        this.links = links;
        this.ids = new AtomicLong((instance & 0xFFFF_FFFFL) << 24); // distinct ranges across restarts
        this.anycast = new AnycastTracker(this);
        this.directed = new DirectedTracker(this);
    }

    /**
     * Runs the check of pending anycast and directed copies on {@code executor}, every {@link #SWEEP_INTERVAL_MILLIS}
     * while any copy is pending; with none (an idle router) nothing is scheduled.
     */
    public void start(EventExecutor executor) {
        this.sweepExecutor = executor;
        sweepNeeded(); // copies tracked before start
    }

    /** A copy is now pending: makes sure a sweep runs within {@link #SWEEP_INTERVAL_MILLIS}. Any thread. */
    void sweepNeeded() {
        EventExecutor executor = sweepExecutor;
        if (executor == null || closed || anycast.pendingCount() + directed.pendingCount() == 0
                || !sweepScheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            sweep = executor.schedule(this::runSweep, SWEEP_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            sweepScheduled.set(false);
        }
    }

    private void runSweep() {
        long now = System.nanoTime();
        try {
            anycast.sweep(now);
            directed.sweep(now);
        } finally {
            sweepScheduled.set(false);
            sweepNeeded(); // again while copies are pending (also those tracked while this sweep ran)
        }
    }

    /** Stops the sweep and releases what is pending. */
    public void close() {
        closed = true;
        ScheduledFuture<?> task = sweep;
        if (task != null) {
            task.cancel(false);
        }
        anycast.close();
        directed.close();
    }

    public void localDelivery(LocalDelivery delivery) {
        this.local = delivery;
    }

    /**
     * Adds the local endpoints of one more adaptor (MQTT and AMQP on one router): multicasts reach all of them. Called
     * at adaptor start, before traffic.
     */
    public synchronized void addLocalDelivery(LocalDelivery delivery) {
        this.local = LocalDeliveries.combine(local, delivery);
    }

    /** Removes what {@link #addLocalDelivery} added (an adaptor closed, or replaced by a reload). */
    public synchronized void removeLocalDelivery(LocalDelivery delivery) {
        this.local = LocalDeliveries.without(local, delivery);
    }

    public String self() {
        return self;
    }

    /**
     * The links' frame limit ({@code routing.maxFrameBytes}). Adaptors refuse a message whose MESSAGE frame could
     * exceed it ({@code MessageCodec.frameBytesMax}) before {@link #publish}: the link encoder would drop it.
     */
    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    public MessageCounters counters() {
        return counters;
    }

    /**
     * Anycast copies this router sent toward {@code router} (another router) and that are not settled yet: the load
     * the balanced choice weighs (for {@code vanrouter trace}). Any thread.
     */
    public long anycastInFlight(String router) {
        return anycast.inFlight(router);
    }

    /** Anycast copies waiting for their MESSAGE_ACK (for status and tests). */
    public int pendingAnycast() {
        return anycast.pendingCount();
    }

    LocalDelivery local() {
        return local;
    }

    /** Routes and addresses of one moment: read once per decision. */
    ForwardingView forwarding() {
        return forwarding.get();
    }

    public long nextMessageId() {
        return ids.incrementAndGet();
    }

    /**
     * A message from a local client: takes ownership of {@code frame}. {@code onDone} (QoS 1 only, may be null) runs
     * once the promise of docs/mqtt.md holds: the message handed to every local subscriber, every remote router with
     * subscribers has acknowledged its directed copy ({@link DirectedTracker}), and every shared group's member has
     * acknowledged. QoS 0 goes down the multicast tree. {@code blockers} collects what the publisher should wait for.
     */
    public void publish(MessageFrame frame, Runnable onDone, List<Blocker> blockers) {
        publish(frame, onDone == null ? null : delivered -> onDone.run(), blockers, null);
    }

    /**
     * {@link #publish(MessageFrame, Runnable, List)}, telling {@code outcome} (QoS 1 only, may be null) whether any
     * receiver took the message, for a protocol whose publisher must hear "not delivered" (AMQP RELEASED) rather than
     * an acknowledgement for nothing.
     */
    public void publishForOutcome(MessageFrame frame, PublishOutcome outcome, List<Blocker> blockers) {
        publish(frame, outcome, blockers, null);
    }

    /**
     * {@link #publish(MessageFrame, Runnable, List)}, leaving out the non-shared subscribers of attached edge router
     * {@code sourceEdge} (null: none), which delivered the message to them itself.
     */
    private void publish(MessageFrame frame, PublishOutcome onDone, List<Blocker> blockers, String sourceEdge) {
        // a QoS 0 publish that nobody waits for tracks nothing
        PublishCompletion completion = frame.qos() > 0 || onDone != null ? new PublishCompletion(onDone) : null;
        try {
            TopicRow counts = counters.topic(frame.topic());
            counts.countIn();
            ForwardingView view = forwarding.get();
            TopicRoute route = route(frame.topic(), view.addresses());
            RoutingTable table = view.routes();
            if (table.defaultRoute() != null) {
                publishFromEdge(frame, table, completion, blockers, counts);
                return;
            }
            Set<String> receivers = route.remoteSubscribers().keySet();
            if (sourceEdge != null && receivers.contains(sourceEdge)) {
                receivers = new HashSet<>(receivers);
                receivers.remove(sourceEdge);
            }
            int copies = frame.qos() > 0
                    ? directed.send(frame, receivers, table, completion, blockers)
                    : multicast(frame, receivers, table, false, blockers);
            int here = local.deliverMulticast(frame, blockers);
            if (completion != null) {
                completion.reached(here);
            }
            copies += here;
            for (GroupRoute group : route.groups()) {
                anycast.send(frame, group, table, frame.qos() > 0 ? completion : null, blockers);
                copies++;
            }
            counts.countOut(copies);
        } finally {
            frame.release();
            if (completion != null) {
                completion.done();
            }
        }
    }

    /**
     * An edge router's publish: its own non-shared subscribers get it here, and one copy goes to the active uplink,
     * which delivers it to the rest of the network, shared groups included (QoS 1: tracked until the uplink's
     * MESSAGE_ACK, sent again through the next uplink if this one is lost).
     */
    private void publishFromEdge(MessageFrame frame, RoutingTable table, PublishCompletion completion,
            List<Blocker> blockers, TopicRow counts) {
        String uplink = table.defaultRoute().destination();
        int copies;
        if (frame.qos() > 0) {
            copies = directed.sendUplink(frame, uplink, table, completion, blockers);
        } else {
            copies = sendTo(uplink, frame.anycast(nextMessageId(), uplink, "", false), table, blockers) ? 1 : 0;
        }
        int here = local.deliverMulticast(frame, blockers);
        if (completion != null) {
            completion.reached(here);
        }
        copies += here;
        counts.countOut(copies);
    }

    /**
     * A message an attached edge router published: this router publishes it to the network as if a local client had,
     * except to the edge's own non-shared subscribers, and answers the edge's QoS 1 copy once that publish is
     * complete (the same promise a local client gets).
     */
    private void adoptFromEdge(ActiveLink edge, MessageFrame frame) {
        String edgeId = edge.peerId();
        long edgeMessageId = frame.messageId();
        String edgeIngress = frame.ingress();
        MessageFrame adopted = new MessageFrame(frame.qos(), false, MessageFrame.HOPS_INITIAL, self,
                nextMessageId(), frame.topic(), "", "", frame.content().retain());
        PublishOutcome onDone = frame.qos() > 0 ? delivered -> sendAck(edgeIngress, edgeMessageId, true) : null;
        frame.release();
        publish(adopted, onDone, null, edgeId);
    }

    @Override
    public void onLinkMessage(ActiveLink link, Object message) {
        if (message instanceof MessageAck ack) {
            sendAck(ack.ingress(), ack.messageId(), ack.accepted());
            return;
        }
        MessageFrame frame = (MessageFrame) message;
        if (link.peerIsEdge()) {
            adoptFromEdge(link, frame);
            return;
        }
        try {
            counters.in(frame.topic());
            if (frame.isMulticast()) {
                ForwardingView view = forwarding.get();
                int copies = multicast(frame, route(frame.topic(), view.addresses()).remoteSubscribers().keySet(),
                        view.routes(), true, null);
                copies += local.deliverMulticast(frame, null);
                counters.out(frame.topic(), copies);
            } else if (frame.destination().equals(self) && frame.group().isEmpty()) {
                deliverDirectedHere(frame);
            } else if (frame.destination().equals(self)) {
                deliverGroupHere(frame);
            } else if (frame.hopsLeft() <= 1) {
                counters.drop(frame.topic(), Drop.HOP_LIMIT);
                sendAck(frame.ingress(), frame.messageId(), false);
            } else {
                forwardAnycast(frame);
            }
        } finally {
            frame.release();
        }
    }

    /** A transit anycast copy toward its destination router; refused (RELEASED) without a route or room. */
    private void forwardAnycast(MessageFrame frame) {
        Route route = forwarding.get().routes().routeOrNull(frame.destination());
        ActiveLink link = route == null ? null : links.get(route.linkId());
        Channel connection = link == null ? null : connectionFor(link);
        Drop refused = link == null ? Drop.NO_ROUTE
                : transitAccepts(connection, frame) ? null : Drop.LINK_CONGESTED;
        if (refused != null) {
            counters.drop(frame.topic(), refused);
            sendAck(frame.ingress(), frame.messageId(), false);
            return;
        }
        write(link, connection, frame.nextHop(), null);
        counters.out(frame.topic(), 1);
    }

    /**
     * Whether {@code connection} takes one more transit copy like {@code frame} now (see the class comment); copies in
     * its {@link Outbox} count as pending.
     */
    boolean transitAccepts(Channel connection, MessageFrame frame) {
        ChannelOutboundBuffer buffer = connection.unsafe().outboundBuffer();
        Outbox outbox = outboxes.get(connection);
        long handedOver = outbox == null ? 0 : outbox.bytes.get();
        boolean promised = frame.qos() > 0 && (frame.isMulticast() || frame.group().isEmpty()); // not re-chosen
        return transitAccepts(promised, writable(connection),
                (buffer == null ? 0 : buffer.totalPendingWriteBytes()) + handedOver);
    }

    /**
     * The rule alone: a copy that may be refused without breaking a promise (QoS 0, or anycast, which the ingress
     * sends again) needs a writable link; a multicast QoS 1 copy at most {@link #TRANSIT_QOS1_PENDING_BYTES_MAX}.
     */
    static boolean transitAccepts(boolean multicastQos1, boolean writable, long pendingBytes) {
        return multicastQos1 ? pendingBytes <= TRANSIT_QOS1_PENDING_BYTES_MAX : writable;
    }

    /** The receivers of {@code topic} in {@code view}, cached per view generation. */
    TopicRoute route(String topic, AddressSnapshotView view) {
        RouteCache cache = routeCache;
        if (cache.generation() != view.generation() || cache.routes().size() >= ROUTE_CACHE_MAX) {
            cache = new RouteCache(view.generation());
            routeCache = cache;
        }
        TopicRoute route = cache.routes().get(topic);
        if (route == null) {
            route = view.routeTopic(topic);
            cache.routes().put(topic, route);
        }
        return route;
    }

    /** A directed QoS 1 copy for this router's non-shared subscribers: handed to them, then acknowledged. */
    private void deliverDirectedHere(MessageFrame frame) {
        counters.out(frame.topic(), local.deliverMulticast(frame, null));
        sendAck(frame.ingress(), frame.messageId(), true);
    }

    private void deliverGroupHere(MessageFrame frame) {
        String ingress = frame.ingress();
        long id = frame.messageId();
        if (!local.hasGroupMember(frame.group()) && toAttachedMember(frame)) {
            return;
        }
        boolean taken = local.deliverToGroup(frame.group(), frame, accepted -> sendAck(ingress, id, accepted), null);
        if (taken) {
            counters.out(frame.topic(), 1);
        } else {
            sendAck(ingress, id, false); // the member left: the ingress picks another
        }
    }

    /**
     * A copy for a shared group this router advertised on behalf of an attached edge router, and no local member:
     * passed on to an edge with a member (the edge answers the ingress). False when no attached edge has one.
     */
    private boolean toAttachedMember(MessageFrame frame) {
        ForwardingView view = forwarding.get();
        RoutingTable table = view.routes();
        if (table.attached().isEmpty()) {
            return false;
        }
        for (GroupRoute group : route(frame.topic(), view.addresses()).groups()) {
            if (!(group.group() + '/' + group.filter()).equals(frame.group())) {
                continue;
            }
            for (String member : group.remoteMembers().keySet()) {
                if (table.attached().containsKey(member)) {
                    if (sendTo(member, frame.anycast(frame.messageId(), member, frame.group(), frame.dup()), table,
                            null)) {
                        counters.out(frame.topic(), 1);
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * Multicast copies to the tree children below this router, and one to each attached edge router among
     * {@code destinations} (edges are not in the tree); returns how many were sent.
     */
    private int multicast(MessageFrame frame, Set<String> destinations, RoutingTable table, boolean transit,
            List<Blocker> blockers) {
        if (destinations.isEmpty()) {
            return 0;
        }
        if (!table.attached().isEmpty()) {
            Set<String> inTree = new HashSet<>(destinations.size());
            int sent = 0;
            for (String destination : destinations) {
                if (table.attached().containsKey(destination)) {
                    sent += multicastHop(frame, destination, transit, blockers);
                } else {
                    inTree.add(destination);
                }
            }
            return sent + (inTree.isEmpty() ? 0 : multicastTree(frame, inTree, table, transit, blockers));
        }
        return multicastTree(frame, destinations, table, transit, blockers);
    }

    private int multicastTree(MessageFrame frame, Set<String> destinations, RoutingTable table, boolean transit,
            List<Blocker> blockers) {
        Set<String> hops = planner(table).nextHops(frame.ingress(), destinations);
        if (hops.isEmpty()) {
            return 0;
        }
        if (transit && frame.hopsLeft() <= 1) {
            counters.drop(frame.topic(), Drop.HOP_LIMIT);
            return 0;
        }
        int sent = 0;
        for (String hop : hops) {
            sent += multicastHop(frame, hop, transit, blockers);
        }
        return sent;
    }

    /** One multicast copy to neighbour {@code hop}; returns 1 if it was sent, 0 if dropped (counted). */
    private int multicastHop(MessageFrame frame, String hop, boolean transit, List<Blocker> blockers) {
        ActiveLink link = links.toPeer(hop);
        if (link == null) {
            counters.drop(frame.topic(), Drop.NO_LINK);
            return 0;
        }
        Channel connection = connectionFor(link);
        if (transit && !transitAccepts(connection, frame)) {
            counters.drop(frame.topic(), Drop.LINK_CONGESTED);
            return 0;
        }
        write(link, connection, transit ? frame.nextHop() : frame.retainedDuplicate(), blockers);
        return 1;
    }

    private MulticastPlanner planner(RoutingTable table) {
        MulticastPlanner current = planner;
        if (current == null || current.treeGeneration() != table.generation()) {
            current = new MulticastPlanner(self, table.generation(), table.trees()::tree);
            planner = current;
        }
        return current;
    }

    /** The link of the route toward {@code destination} if that link is up, else -1. */
    long linkToward(String destination, RoutingTable table) {
        Route route = table.routeOrNull(destination);
        return route != null && links.get(route.linkId()) != null ? route.linkId() : -1;
    }

    /**
     * Whether a copy sent over link {@code linkId} when it had lost {@code losses} data connections can still be
     * answered: the link is up and has lost none since (the copy, or its MESSAGE_ACK, may have gone with one).
     */
    boolean pathIntact(long linkId, int losses) {
        ActiveLink link = links.get(linkId);
        return link != null && link.data().losses() == losses;
    }

    /** How many data connections link {@code linkId} has lost so far (see {@link #pathIntact}); 0 when it is down. */
    int lossesOn(long linkId) {
        ActiveLink link = links.get(linkId);
        return link == null ? 0 : link.data().losses();
    }

    /** Sends {@code frame} (ownership taken) toward router {@code destination}; false if there is no route. */
    boolean sendTo(String destination, MessageFrame frame, RoutingTable table, List<Blocker> blockers) {
        Route route = table.routeOrNull(destination);
        ActiveLink link = route == null ? null : links.get(route.linkId());
        if (link == null) {
            frame.release();
            return false;
        }
        write(link, connectionFor(link), frame, blockers);
        return true;
    }

    /** Routes an ACK toward {@code ingress}, or settles it here when this router is the ingress. */
    void sendAck(String ingress, long messageId, boolean accepted) {
        if (ingress.equals(self)) {
            counters.ackReceived();
            if (!directed.onAck(messageId, accepted)) {
                anycast.onAck(messageId, accepted);
            }
            return;
        }
        Route route = forwarding.get().routes().routeOrNull(ingress);
        ActiveLink link = route == null ? null : links.get(route.linkId());
        if (link != null) {
            Channel connection = connectionFor(link);
            if (connection.isActive()) {
                outbox(connection).add(new MessageAck(ingress, messageId, accepted));
            }
        }
    }

    /** The connection of {@code link} for a copy sent from this thread (see the class comment). */
    private static Channel connectionFor(ActiveLink link) {
        Channel data = link.data().onCurrentLoop();
        return data != null ? data : link.channel();
    }

    private void write(ActiveLink link, Channel connection, Object message, List<Blocker> blockers) {
        if (!connection.isActive()) {
            ReferenceCountUtil.release(message);
            return;
        }
        counters.copyToPeer(link.peerId());
        outbox(connection).add(message);
        if (blockers != null && !writable(connection)) {
            blockers.add(resume -> whenWritable(connection, resume));
        }
    }

    private Outbox outbox(Channel connection) {
        Outbox outbox = outboxes.get(connection);
        return outbox != null ? outbox : outboxes.computeIfAbsent(connection, Outbox::new);
    }

    /** The channel is writable and what is handed over to it, not yet written, is below its high-water mark. */
    private boolean writable(Channel connection) {
        if (!connection.isWritable()) {
            return false;
        }
        Outbox outbox = outboxes.get(connection);
        return outbox == null || outbox.bytes.get() < connection.config().getWriteBufferHighWaterMark();
    }

    private void whenWritable(Channel connection, Runnable resume) {
        waiters.computeIfAbsent(connection, k -> new ConcurrentLinkedQueue<>()).add(resume);
        if (writable(connection) || !connection.isActive()) {
            resumeWaiters(connection);
        }
    }

    private void resumeWaiters(Channel connection) {
        Queue<Runnable> queue = waiters.get(connection);
        if (queue != null) {
            for (Runnable resume = queue.poll(); resume != null; resume = queue.poll()) {
                resume.run();
            }
        }
    }

    /**
     * Frames for one connection from any thread (publishers' and other links' event loops). Instead of one
     * {@code writeAndFlush} task per frame on the connection's loop, frames are queued here and one task writes all
     * that arrived before it runs, in order, and flushes once; on the connection's own loop the task runs after the
     * current read batch, so a batch of PUBLISHes leaves in one flush. Their bytes count toward the connection's
     * back-pressure until they are written.
     */
    private final class Outbox implements Runnable {
        private final Channel channel;
        private final Queue<Object> frames = new ConcurrentLinkedQueue<>();
        private final AtomicLong bytes = new AtomicLong();
        private final AtomicBoolean scheduled = new AtomicBoolean();

        Outbox(Channel channel) {
            this.channel = channel;
        }

        void add(Object frame) {
            bytes.addAndGet(size(frame));
            frames.add(frame);
            if (scheduled.compareAndSet(false, true)) {
                try {
                    channel.eventLoop().execute(this);
                } catch (RejectedExecutionException e) {
                    scheduled.set(false);
                    releaseAll();
                }
            }
        }

        @Override
        public void run() {
            scheduled.set(false);
            if (!channel.isActive()) {
                outboxes.remove(channel, this);
                releaseAll();
                resumeWaiters(channel);
                return;
            }
            int written = 0;
            long started = System.nanoTime();
            for (Object frame; written < OUTBOX_BATCH_FRAMES && (frame = frames.poll()) != null; written++) {
                bytes.addAndGet(-size(frame));
                channel.write(frame, channel.voidPromise());
                if ((written & 63) == 63 && System.nanoTime() - started > OUTBOX_BATCH_NANOS) {
                    written++;
                    break;
                }
            }
            if (written > 0) {
                channel.flush();
            }
            if (!frames.isEmpty() && scheduled.compareAndSet(false, true)) {
                // More than one batch: the rest in a later task, so that the loop reads and writes its sockets (the
                // links' hellos) in between instead of encoding every queued message first.
                try {
                    channel.eventLoop().execute(this);
                } catch (RejectedExecutionException e) {
                    scheduled.set(false); // shutting down
                    releaseAll();
                }
            }
            if (writable(channel)) {
                resumeWaiters(channel);
            }
        }

        private void releaseAll() {
            for (Object frame = frames.poll(); frame != null; frame = frames.poll()) {
                bytes.addAndGet(-size(frame));
                ReferenceCountUtil.release(frame);
            }
        }

        private static long size(Object frame) {
            return frame instanceof MessageFrame message
                    ? message.content().readableBytes() + message.topic().length() + 64L
                    : 32L;
        }
    }

    @Override
    public void onConnectionWritable(ActiveLink link, Channel connection) {
        resumeWaiters(connection);
    }

    @Override
    public void onConnectionDown(ActiveLink link, Channel connection) {
        Outbox outbox = outboxes.remove(connection);
        if (outbox != null) {
            try {
                connection.eventLoop().execute(outbox); // releases what is left (the channel is inactive)
            } catch (RejectedExecutionException e) {
                outbox.releaseAll();
            }
        }
        resumeWaiters(connection); // publishers paused on it go on (their next copies take another connection)
        waiters.remove(connection);
    }

    /** The link and every one of its connections are gone. */
    @Override
    public void onLinkDown(ActiveLink link) {
        onConnectionDown(link, link.channel());
        for (Channel connection : link.data().all()) {
            onConnectionDown(link, connection);
        }
    }
}
