package io.vanrouter.transport.stream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.Epoll;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.ReferenceCountUtil;
import io.vanrouter.core.path.Route;
import io.vanrouter.core.path.RoutingTable;
import io.vanrouter.transport.link.ActiveLink;
import io.vanrouter.transport.link.LinkDataPlane;
import io.vanrouter.transport.netty.Errors;
import io.vanrouter.transport.netty.HandlerNames;
import io.vanrouter.transport.netty.LoopLoad;
import io.vanrouter.transport.wire.FrameNames;
import io.vanrouter.transport.wire.ReasonCode;
import io.vanrouter.transport.wire.StreamFrame;
import io.vanrouter.transport.wire.StreamResetCode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data plane of one router: keeps the streams of every active link, routes STREAM_OPEN toward its destination
 * router (next hop from the routing table, read lock-free), hands it to the local connector at the destination,
 * passes every other stream frame to its stream's loop, and resets a link's streams when the link goes down.
 *
 * <p>{@link LinkDataPlane} calls run on the link's loop; the rest is safe from any thread.
 */
public final class StreamRouter implements LinkDataPlane {
    static final Logger LOG = LoggerFactory.getLogger("vanrouter.stream");

    private final String routerId;
    private final Supplier<RoutingTable> routes;
    private final Function<EventLoop, LoopLoad.Meter> meters;
    private final Map<Long, LinkStreams> links = new ConcurrentHashMap<>();
    private final Set<Stream> live = ConcurrentHashMap.newKeySet();
    private final AtomicLong serials = new AtomicLong();
    private final AtomicLong framesForUnknownStreams = new AtomicLong();
    private final AtomicLong opensWithoutRoute = new AtomicLong();
    private final AtomicLong splicedStreams = new AtomicLong();
    private final StreamResets resets = new StreamResets();
    private volatile ServiceConnector connectors = ServiceConnector.NONE;
    private final DatagramConnectors datagramConnectors = new DatagramConnectors();
    private final AdaptorConnectors adaptorConnectors = new AdaptorConnectors();
    private volatile OpenChooser openChooser;
    /** A stream that carried this many bytes moves to stream connections and is spliced; 0: never. */
    private volatile long spliceAfterBytes = StreamLimits.SPLICE_AFTER_BYTES_DEFAULT;
    /** While splicing is on, a stream that made this many reads here is spliced too, however small; 0: never. */
    private volatile long spliceAfterReads = StreamLimits.SPLICE_AFTER_READS_DEFAULT;
    private final StreamTotals totals = new StreamTotals();
    /** Told of every finished listener- and connector-side stream; must not block (the flow log queues). */
    private volatile Consumer<StreamFlow> flows;

    public StreamRouter(String routerId, Supplier<RoutingTable> routes) {
        this(routerId, routes, loop -> new LoopLoad.Meter());
    }

    /** With {@code meters} giving each loop's meter of stream bytes, read when choosing loops for new channels. */
    public StreamRouter(String routerId, Supplier<RoutingTable> routes, Function<EventLoop, LoopLoad.Meter> meters) {
        this.routerId = routerId;
        this.routes = routes;
        this.meters = meters;
    }

    LoopLoad.Meter meter(EventLoop loop) {
        return meters.apply(loop);
    }

    public String routerId() {
        return routerId;
    }

    /** Sets how this router reaches its local servers; before links come up. */
    public void connectors(ServiceConnector serviceConnector) {
        this.connectors = serviceConnector;
    }

    /**
     * Sets who serves the datagram flows whose address starts with {@code namespace} at this router; before links
     * come up. Their OPENs never reach the socket connectors.
     */
    public void datagramConnector(String namespace, DatagramConnector connector) {
        datagramConnectors.register(namespace, connector);
    }

    /**
     * Sets who serves the streams whose address starts with {@code namespace} at this router with an
     * {@link AdaptorEnd} (HTTP requests); before links come up. Their OPENs never reach the socket connectors.
     */
    public void adaptorConnector(String namespace, AdaptorConnector connector) {
        adaptorConnectors.register(namespace, connector);
    }

    /**
     * Bytes after which a stream counts as bulk: it moves to stream connections of its own and is spliced in the
     * kernel (docs/data-plane.md, section 7); 0 turns that off. Takes effect for links that come up later.
     */
    public void spliceAfterBytes(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("spliceAfterBytes " + bytes);
        }
        this.spliceAfterBytes = bytes;
    }

    long spliceAfterBytes() {
        return spliceAfterBytes;
    }

    /**
     * Reads (socket reads and DATA frames, both ways) after which a stream is moved and spliced like a bulk one, when
     * splicing is on at all ({@link #spliceAfterBytes} above 0); 0: only bulk streams are.
     */
    public void spliceAfterReads(long reads) {
        if (reads < 0) {
            throw new IllegalArgumentException("spliceAfterReads " + reads);
        }
        this.spliceAfterReads = reads;
    }

    long spliceAfterReads() {
        return spliceAfterReads;
    }

    @Override
    public boolean takesStreamConnections() {
        return spliceAfterBytes > 0 && Epoll.isAvailable();
    }

    @Override
    public void streamConnection(ActiveLink link, int streamId, Channel channel) {
        LinkStreams streams = links.get(link.linkId());
        LinkEnd end = streams == null ? null : streams.get(streamId);
        if (end == null) {
            channel.close();
            return;
        }
        EventLoop home = end.stream.loop;
        if (channel.eventLoop() == home) {
            end.acceptRaw(channel);
            return;
        }
        // The acceptor put it on some loop; the stream lives on its own (no thread change per chunk).
        channel.deregister().addListener(deregistered -> {
            if (!deregistered.isSuccess()) {
                channel.close();
                return;
            }
            home.register(channel).addListener(registered -> {
                if (registered.isSuccess()) {
                    end.acceptRaw(channel);
                } else {
                    channel.close();
                }
            });
        });
    }

    /** Sets who re-chooses OPENs from edge routers and for addresses shared with attached edges. */
    public void openChooser(OpenChooser chooser) {
        this.openChooser = chooser;
    }

    @Override
    public void linkUp(ActiveLink link) {
        links.put(link.linkId(), new LinkStreams(link));
    }

    @Override
    public void frame(ActiveLink link, StreamFrame frame, Channel via) {
        LinkStreams streams = links.get(link.linkId());
        if (streams == null) {
            ReferenceCountUtil.release(frame);
            return;
        }
        if (frame instanceof StreamFrame.Open open) {
            onOpen(streams, open, via);
            return;
        }
        LinkEnd end = streams.get(frame.streamId());
        if (end == null) {
            // Late frames of a stream already reset or finished here: expected, dropped and counted.
            framesForUnknownStreams.incrementAndGet();
            ReferenceCountUtil.release(frame);
            return;
        }
        if (end.channel() != via) {
            // Every frame of a stream travels on the connection its OPEN used (docs/protocol.md, section 5.1).
            ReferenceCountUtil.release(frame);
            end.stream.execute(() -> end.stream.protocolError(end, FrameNames.nameOf(frame)
                    + " on another connection than the stream's"));
            return;
        }
        end.stream.execute(() -> end.onFrame(frame));
    }

    @Override
    public void writable(ActiveLink link, Channel channel) {
        LinkStreams streams = links.get(link.linkId());
        if (streams != null) {
            streams.wakeWritable(channel);
        }
    }

    @Override
    public void connectionDown(ActiveLink link, Channel channel, String reason) {
        LinkStreams streams = links.get(link.linkId());
        if (streams == null) {
            return;
        }
        resetLost(link, streams.markConnectionDown(channel), "data connection down",
                "data connection of link " + routerId + "->" + link.peerId() + " down: " + reason);
    }

    @Override
    public void linkDown(ActiveLink link, String reason) {
        LinkStreams streams = links.remove(link.linkId());
        if (streams == null) {
            return;
        }
        resetLost(link, streams.markDown(reason), "link down",
                "link " + routerId + "->" + link.peerId() + " down: " + reason);
    }

    /** Resets, each on its stream's loop, the ends a lost link or data connection carried (one log line). */
    private void resetLost(ActiveLink link, List<LinkEnd> ends, String what, String text) {
        if (!ends.isEmpty()) {
            LOG.info("[{}] resetting {} stream(s) of link L{} to {}: {}", routerId, ends.size(), link.linkId(),
                    link.peerId(), what);
        }
        for (LinkEnd end : ends) {
            end.stream.execute(() -> end.stream.abortFrom(end, StreamResetCode.LINK_DOWN, text));
        }
    }

    private void onOpen(LinkStreams from, StreamFrame.Open open, Channel via) {
        int id = open.streamId();
        if (!from.isPeerId(id) || from.contains(id)) {
            String why = from.contains(id) ? "STREAM_OPEN reuses live stream id " + Integer.toUnsignedString(id)
                    : "STREAM_OPEN with stream id " + Integer.toUnsignedString(id) + " of the wrong parity";
            LOG.warn("[{}] closing link L{} to {}: {}", routerId, from.link.linkId(), from.link.peerId(), why);
            from.link.close(ReasonCode.PROTOCOL_ERROR, why);
            return;
        }
        if (open.window() == 0 || open.window() > StreamLimits.WINDOW_BYTES_MAX) {
            resetNew(via, id, StreamResetCode.PROTOCOL_ERROR, "window " + open.window() + " out of range 1.."
                    + StreamLimits.WINDOW_BYTES_MAX);
            return;
        }
        String destination = open.destination();
        if (destination.equals(routerId)) {
            destination = chooseHere(from, open);
            if (destination == null) {
                resetNew(via, id, StreamResetCode.NO_CONNECTOR, "no router reachable from " + routerId
                        + " has a connector for '" + open.address() + "'");
                return;
            }
        }
        if (destination.equals(routerId)) {
            startConnectorSide(from, open, via);
        } else {
            startTransit(from, open, via, destination);
        }
    }

    /**
     * Where an OPEN addressed to this router goes: from an attached edge, to the connector this router chooses
     * anywhere (null: none); at an interior router with edges, to its own connector or an edge's; else here.
     */
    private String chooseHere(LinkStreams from, StreamFrame.Open open) {
        RoutingTable table = routes.get();
        OpenChooser chooser = openChooser;
        boolean fromEdge = from.link.peerIsEdge();
        boolean sharedWithEdges = table.defaultRoute() == null && !table.attached().isEmpty();
        if (chooser == null || !(fromEdge || sharedWithEdges)) {
            return routerId;
        }
        String chosen = chooser.choose(open.address(), fromEdge);
        return chosen != null || fromEdge ? chosen : routerId;
    }

    /** The stream lives on the loop of the connection its OPEN came in on; so does its server socket. */
    private void startConnectorSide(LinkStreams from, StreamFrame.Open open, Channel via) {
        Stream stream = newStream(via.eventLoop(), Stream.Role.CONNECTOR, open.address(), open.origin(), routerId,
                null);
        LinkEnd upstream = new LinkEnd(stream, from, open.streamId(), open.window(), via);
        if (!from.register(upstream)) {
            return;
        }
        StreamEnd server = serverEnd(stream);
        stream.ends(upstream, server);
        goLive(stream);
        if (!connectEnd(stream, server)) {
            stream.abortFrom(null, StreamResetCode.NO_CONNECTOR, "router " + routerId + " has no connector for '"
                    + open.address() + "'");
        }
    }

    /** Transit: the next hop's connection is chosen on the incoming connection's loop, so relaying never hops. */
    private void startTransit(LinkStreams from, StreamFrame.Open open, Channel via, String destination) {
        LinkStreams next = nextHop(destination);
        // Back where it came from is a loop, except to an edge that asked this router to choose and got itself.
        boolean backToEdge = next == from && from.link.peerIsEdge() && destination.equals(from.link.peerId());
        if (next == null || (next == from && !backToEdge)) {
            opensWithoutRoute.incrementAndGet();
            resetNew(via, open.streamId(), StreamResetCode.NO_ROUTE, "router " + routerId + " has no route to "
                    + destination);
            return;
        }
        EventLoop loop = via.eventLoop();
        Stream stream = newStream(loop, Stream.Role.TRANSIT, open.address(), open.origin(), destination, null);
        LinkEnd upstream = new LinkEnd(stream, from, open.streamId(), open.window(), via);
        LinkEnd downstream = new LinkEnd(stream, next, next.allocateId(), StreamLimits.INITIAL_WINDOW_BYTES,
                next.channelFor(loop));
        stream.ends(upstream, downstream);
        if (!from.register(upstream)) {
            return;
        }
        if (!next.register(downstream)) {
            from.unregister(upstream);
            resetNew(via, open.streamId(), StreamResetCode.NO_ROUTE, "next hop toward " + destination
                    + " went down");
            return;
        }
        goLive(stream);
        downstream.send(new StreamFrame.Open(downstream.id, destination, open.address(), open.origin(),
                StreamLimits.INITIAL_WINDOW_BYTES));
    }

    /**
     * Listener side: a stream for an accepted client socket, which must be on its channel's loop (called from the
     * channel's initializer). Nothing is read from the client until the stream is opened.
     */
    public Stream acceptSocket(Channel client, String address, StreamObserver observer) {
        Stream stream = newStream(client.eventLoop(), Stream.Role.LISTENER, address, routerId, null, observer);
        SocketEnd end = new SocketEnd(stream);
        end.connected(client);
        client.pipeline().addLast(HandlerNames.FLUSH_CONSOLIDATION, new FlushConsolidationHandler(
                FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
        client.pipeline().addLast(HandlerNames.SOCKET_END, new SocketEndHandler(end));
        stream.ends(end, null);
        goLive(stream);
        return stream;
    }

    /** Attaches the connector-side end of a listener stream toward {@code dest}; false if it cannot be reached. */
    boolean attachConnectorSide(Stream stream, String dest) {
        if (dest.equals(routerId)) {
            StreamEnd server = serverEnd(stream);
            stream.ends(stream.a, server);
            if (connectEnd(stream, server)) {
                return true;
            }
            stream.ends(stream.a, null);
            stream.a.peer = null;
            return false;
        }
        LinkStreams next = nextHop(dest);
        if (next == null) {
            return false;
        }
        LinkEnd downstream = new LinkEnd(stream, next, next.allocateId(), StreamLimits.INITIAL_WINDOW_BYTES,
                next.channelFor(stream.loop));
        if (!next.register(downstream)) {
            return false;
        }
        stream.ends(stream.a, downstream);
        downstream.send(new StreamFrame.Open(downstream.id, dest, stream.address(), routerId,
                StreamLimits.INITIAL_WINDOW_BYTES));
        return true;
    }

    /**
     * Listener side of a datagram flow: a stream whose listener-side end takes datagrams from the adaptor with
     * {@link DatagramEnd#offer} and sends the far end's through {@code sink}. Called on {@code loop}, which owns the
     * stream (the listener socket's loop).
     */
    public DatagramEnd acceptDatagramFlow(EventLoop loop, String address, DatagramSink sink,
            StreamObserver observer) {
        assert loop.inEventLoop();
        Stream stream = newStream(loop, Stream.Role.LISTENER, address, routerId, null, observer);
        DatagramEnd end = new DatagramEnd(stream);
        end.connected(sink);
        stream.ends(end, null);
        goLive(stream);
        return end;
    }

    /** The end toward the local server: by the address's namespace, a datagram flow, an adaptor's or a socket. */
    private StreamEnd serverEnd(Stream stream) {
        if (datagramConnectors.forAddress(stream.address()) != null) {
            return new DatagramEnd(stream);
        }
        return adaptorConnectors.forAddress(stream.address()) != null ? new AdaptorEnd(stream) : new SocketEnd(stream);
    }

    /**
     * Listener side of an adaptor's stream (one HTTP request): a stream whose listener-side end takes the request's
     * bytes with {@link AdaptorEnd#offer} and writes the response through {@code sink}. Called on {@code loop}, which
     * owns the stream and must be the loop of the sink's channel.
     */
    public AdaptorEnd acceptAdaptorStream(EventLoop loop, String address, AdaptorSink sink, StreamObserver observer) {
        assert loop.inEventLoop();
        Stream stream = newStream(loop, Stream.Role.LISTENER, address, routerId, null, observer);
        AdaptorEnd end = new AdaptorEnd(stream);
        end.connected(sink);
        stream.ends(end, null);
        goLive(stream);
        return end;
    }

    private boolean connectEnd(Stream stream, StreamEnd server) {
        if (server instanceof DatagramEnd datagram) {
            return datagramConnectors.forAddress(stream.address()).connect(stream, datagram);
        }
        if (server instanceof AdaptorEnd adaptorEnd) {
            return AdaptorConnectors.connect(adaptorConnectors.forAddress(stream.address()), stream, adaptorEnd);
        }
        return connect(stream, (SocketEnd) server);
    }

    /** Connects {@code server} to the local connector on the stream's loop; false when there is none. */
    private boolean connect(Stream stream, SocketEnd server) {
        ChannelFuture future = connectors.connect(stream.address(), stream.loop, new SocketEndHandler(server));
        if (future == null) {
            return false;
        }
        server.attach(future.channel());
        future.addListener(f -> {
            if (server.released()) {
                future.channel().close();
            } else if (f.isSuccess()) {
                server.connected(future.channel());
                stream.onOpened(server);
            } else {
                stream.abortFrom(server, StreamResetCode.CONNECT_FAILED, "connector for '" + stream.address()
                        + "' at " + routerId + ": " + Errors.describe(f.cause()));
            }
        });
        return true;
    }

    private LinkStreams nextHop(String dest) {
        Optional<Route> route = routes.get().route(dest);
        if (route.isEmpty()) {
            return null;
        }
        LinkStreams next = links.get(route.get().linkId());
        return next == null || next.isDown() ? null : next;
    }

    /** Refuses a new stream on the connection its OPEN came in on. */
    private static void resetNew(Channel via, int id, StreamResetCode code, String text) {
        via.writeAndFlush(StreamFrame.Reset.of(id, code, text), via.voidPromise());
    }

    private Stream newStream(EventLoop loop, Stream.Role role, String address, String origin, String destination,
            StreamObserver observer) {
        return new Stream(this, loop, serials.incrementAndGet(), role, address, origin, destination, observer);
    }

    /** Counts the stream among the live ones, here and on its loop's meter (until {@link #streamClosed}). */
    private void goLive(Stream stream) {
        if (live.add(stream)) {
            stream.meter().streamStarted();
        }
    }

    void streamOpened(Stream stream) {
        LOG.debug("[{}] stream {} opened ({} '{}' {} -> {})", routerId, stream.serial(), stream.role(),
                stream.address(), stream.origin(), stream.destination());
    }

    void streamClosed(Stream stream, StreamResetCode code, String text) {
        if (code != null) {
            resets.count(code, text); // before the stream leaves the live set: whoever sees it gone sees it counted
            LOG.debug("[{}] stream {} reset: {}: {}", routerId, stream.serial(), code, text);
        }
        stream.addTotals(totals);
        if (live.remove(stream)) {
            stream.meter().streamEnded();
        }
        Consumer<StreamFlow> sink = flows;
        if (sink != null && stream.role() != Stream.Role.TRANSIT) {
            sink.accept(stream.flow(code, text));
        }
    }

    /**
     * Where finished listener- and connector-side streams are reported (null: nowhere, the default). Called on the
     * stream's event loop: the consumer must return at once (queue, never block or write a file). Any thread.
     */
    public void flows(Consumer<StreamFlow> consumer) {
        this.flows = consumer;
    }

    /** Bytes of finished streams per address and role (live ones are in {@link #views}). Any thread. */
    public StreamTotals totals() {
        return totals;
    }

    /** Resets every live stream (router shutting down). Any thread. */
    public void shutdown() {
        for (Stream stream : live) {
            stream.abort(StreamResetCode.SHUTDOWN, "router " + routerId + " shutting down");
        }
    }

    /** Live streams, oldest first. Any thread. */
    public List<StreamView> views() {
        long now = System.nanoTime();
        List<StreamView> views = new ArrayList<>();
        for (Stream stream : live) {
            views.add(stream.view(now));
        }
        views.sort(Comparator.comparingLong(StreamView::serial));
        return views;
    }

    /** Outbound bytes queued in the channels of all active links (approximate). Any thread. */
    public long linkPendingBytes() {
        long total = 0;
        for (LinkStreams streams : links.values()) {
            for (Channel channel : streams.channels()) {
                io.netty.channel.ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
                total += buffer == null ? 0 : buffer.totalPendingWriteBytes();
            }
        }
        return total;
    }

    public int liveStreams() {
        return live.size();
    }

    /** Frames for streams this router no longer knows (late frames after a reset). */
    public long framesForUnknownStreams() {
        return framesForUnknownStreams.get();
    }

    /** Streams this router reset or saw reset, by cause, with the last reason of each. Any thread. */
    public StreamResets resets() {
        return resets;
    }

    /** Streams whose bytes went through a splice relay here (docs/data-plane.md, section 7). */
    public long splicedStreams() {
        return splicedStreams.get();
    }

    void streamSpliced() {
        splicedStreams.incrementAndGet();
    }

    /** STREAM_OPENs reset because this router had no route to their destination. */
    public long opensWithoutRoute() {
        return opensWithoutRoute.get();
    }
}
