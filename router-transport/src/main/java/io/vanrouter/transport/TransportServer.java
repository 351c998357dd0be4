package io.vanrouter.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.vanrouter.core.address.Address;
import io.vanrouter.core.port.ControlSender;
import io.vanrouter.transport.adaptor.AdaptorContext;
import io.vanrouter.transport.adaptor.LocalConsumers;
import io.vanrouter.transport.adaptor.ProtocolAdaptor;
import io.vanrouter.transport.adaptor.RoutingView;
import io.vanrouter.transport.link.ActiveLink;
import io.vanrouter.transport.link.CredentialsWatch;
import io.vanrouter.transport.link.DataConnectionDialer;
import io.vanrouter.transport.link.LinkEnvironment;
import io.vanrouter.transport.link.LinkInitializer;
import io.vanrouter.transport.link.LinkRegistry;
import io.vanrouter.transport.link.LinkListing;
import io.vanrouter.transport.link.LinkSession;
import io.vanrouter.transport.link.NettyControlSender;
import io.vanrouter.transport.link.PeerDialer;
import io.vanrouter.transport.link.TransportCounters;
import io.vanrouter.transport.message.MessageRouter;
import io.vanrouter.transport.netty.Errors;
import io.vanrouter.transport.stream.AttachedOpenChooser;
import io.vanrouter.transport.stream.StreamFlow;
import io.vanrouter.transport.stream.StreamLimits;
import io.vanrouter.transport.stream.StreamRouter;
import io.vanrouter.transport.stream.StreamView;
import io.vanrouter.transport.tls.LinkTls;
import io.vanrouter.transport.wire.EncodeFailures;
import io.vanrouter.transport.wire.HandshakeFrame;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the event loops, inter-router listeners, outgoing peer dialers and the registry of active links.
 *
 * <p>Wiring: {@code server = new TransportServer(settings)}, then {@code core = new CoreLoop(coreSettings,
 * server.controlSender())}, then {@code server.start(core, adaptors)}. {@link #close()} resets live streams and sends
 * every peer a CLOSE frame with a reason, so that they reroute at once rather than after their dead interval.
 *
 * <p>The stream plane ({@link StreamRouter}) and the message plane ({@link MessageRouter}) start with the links and
 * read the core's routing state lock-free. Protocol adaptors ({@link ProtocolAdaptor}: TCP, MQTT) are given to
 * {@link #start(CoreEvents, List)} and started after that plumbing with an {@link AdaptorContext}; this class knows
 * nothing of their protocols or settings.
 *
 * <p>Any thread.
 */
public final class TransportServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("vanrouter.link");

    /** Pending outbound bytes above which a link stops being writable (the core's senders may check). */
    public static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 << 10, 1 << 20);
    /** Event loops for links' data connections and adaptor sockets, unless configured (routing.ioThreads). */
    public static final int IO_THREADS_DEFAULT = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));
    /** Data connections per link offered by default: one per event loop (docs/protocol.md, section 5.1). */
    public static final int DATA_CONNECTIONS_DEFAULT = IO_THREADS_DEFAULT;
    /** How long {@link #close()} waits for CLOSE frames to drain, then for the event loops to stop. */
    public static final long SHUTDOWN_TIMEOUT_MILLIS = 3_000;

    private final TransportSettings settings;
    private final DnsSettings dns;
    private final LinkRegistry registry;
    private final TransportCounters counters = new TransportCounters();
    private final NettyControlSender sender;
    private final ChannelGroup channels = new DefaultChannelGroup("links", GlobalEventExecutor.INSTANCE);
    private final List<Channel> listeners = new ArrayList<>();
    /** The endpoint each listener was bound for, index by index with {@link #listeners}. */
    private final List<Endpoint> listenerEndpoints = new ArrayList<>();
    private final List<PeerDialer> dialers = new ArrayList<>();
    /** In start order; closed in reverse. */
    private final List<ProtocolAdaptor> adaptors = new ArrayList<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile int dataConnections = DATA_CONNECTIONS_DEFAULT;
    private volatile int ioThreads = IO_THREADS_DEFAULT;
    private volatile LinkTls linkTls;
    /** Loops given by the owner of several routers in one JVM (null: this transport builds and closes its own). */
    private volatile TransportLoops sharedLoops;
    /** The loops in use, from {@link #start}; closed by {@link #close} unless shared. */
    private volatile TransportLoops loops;
    private volatile DataConnectionDialer dataDialer;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile EventLoopGroup group;
    /** Resolves host names of peers and adaptors' servers on the event loops of {@link #group}; closed with it. */
    private volatile AddressResolverGroup<InetSocketAddress> resolvers;
    private volatile StreamRouter streams;
    private volatile long spliceAfterBytes = StreamLimits.SPLICE_AFTER_BYTES_DEFAULT;
    private volatile long spliceAfterReads = StreamLimits.SPLICE_AFTER_READS_DEFAULT;
    private volatile MessageRouter messages;
    private volatile EncodeFailures encodeFailures;
    private volatile LinkEnvironment env;
    private volatile Class<? extends ServerChannel> serverType;
    private volatile EventLoop controlLoop;
    /** The periodic re-read of link credentials on the control loop, or null; cancelled by {@link #close}. */
    private volatile ScheduledFuture<?> credentialsWatch;
    private volatile boolean epoll;
    private volatile AdaptorContext adaptorContext;
    private volatile Consumer<StreamFlow> streamFlows;

    public TransportServer(TransportSettings settings) {
        this(settings, DnsSettings.SYSTEM);
    }

    /** With {@code dns} telling where host names of peers and of adaptors' servers are resolved. */
    public TransportServer(TransportSettings settings, DnsSettings dns) {
        this.settings = settings;
        this.dns = java.util.Objects.requireNonNull(dns, "dns");
        this.registry = new LinkRegistry(settings.routerId());
        this.sender = new NettyControlSender(registry, counters);
    }

    /**
     * Data connections per link this router offers (0: stream frames share the link with control frames, as with
     * routers that predate data connections). Before {@link #start}.
     */
    public TransportServer dataConnections(int perLink) {
        if (perLink < 0 || perLink > HandshakeFrame.DATA_CONNECTIONS_MAX) {
            throw new IllegalArgumentException("data connections per link " + perLink + " out of range 0.."
                    + HandshakeFrame.DATA_CONNECTIONS_MAX);
        }
        this.dataConnections = perLink;
        return this;
    }

    /**
     * Bytes after which a stream counts as bulk and moves, hop by hop, to stream connections of its own, spliced in
     * the kernel (docs/data-plane.md, section 7); 0: never. Needs the epoll transport; before {@link #start}.
     */
    public TransportServer spliceAfterBytes(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("spliceAfterBytes " + bytes + " is negative");
        }
        this.spliceAfterBytes = bytes;
        return this;
    }

    /**
     * Reads (socket reads and DATA frames, both ways, at this router) after which a stream counts as busy and moves
     * and is spliced like a bulk one, however small its reads; 0: never. Only while splicing is on
     * ({@link #spliceAfterBytes} above 0). Before {@link #start}.
     */
    public TransportServer spliceAfterReads(long reads) {
        if (reads < 0) {
            throw new IllegalArgumentException("spliceAfterReads " + reads + " is negative");
        }
        this.spliceAfterReads = reads;
        return this;
    }

    /** TLS on every inter-router connection (null: plain TCP, the default); before {@link #start}. */
    public TransportServer linkTls(LinkTls tls) {
        this.linkTls = tls;
        return this;
    }

    /** The link credentials in use, or null when links are plain. */
    public LinkTls linkTls() {
        return linkTls;
    }

    /** Event loops for data connections and adaptor sockets (links' control connections have their own); before
     * {@link #start}. Without effect with {@link #loops shared loops}: their owner sized them. */
    public TransportServer ioThreads(int loops) {
        if (loops < 1) {
            throw new IllegalArgumentException("io threads " + loops + " must be at least 1");
        }
        this.ioThreads = loops;
        return this;
    }

    /**
     * Runs this transport on {@code shared} loops (the routers of one JVM share one set) instead of loops of its own;
     * {@link #close} leaves them running for their owner to close. Their resolvers replace this transport's
     * {@link DnsSettings}. Before {@link #start}.
     */
    public TransportServer loops(TransportLoops shared) {
        this.sharedLoops = Objects.requireNonNull(shared, "shared");
        return this;
    }

    /**
     * Where finished listener- and connector-side streams are reported (the flow log); the consumer runs on event
     * loops and must return at once. Before {@link #start}.
     */
    public TransportServer streamFlows(Consumer<StreamFlow> flows) {
        this.streamFlows = flows;
        return this;
    }

    /** Sends core output on links; valid before {@link #start}. */
    public ControlSender controlSender() {
        return sender;
    }

    /** Limits hit and faults seen, for status and tests. */
    public TransportCounters counters() {
        return counters;
    }

    /** Frames the link encoders dropped because they could not be encoded; null before {@link #start}. */
    public EncodeFailures encodeFailures() {
        return encodeFailures;
    }

    /** Starts links and the stream and message planes without protocol adaptors. */
    public void start(CoreEvents core) throws Exception {
        start(core, List.of());
    }

    /**
     * Binds every inter-router listener, builds the stream and message planes, then starts {@code adaptors} in order
     * (throws with a clear message if a port cannot be bound, after closing everything) and starts dialing peers.
     * {@link #close()} closes the adaptors in reverse order. {@code core} is normally a {@link CoreLoop}, which also
     * gives adaptors its routing view and takes their local consumers.
     */
    public void start(CoreEvents core, List<ProtocolAdaptor> adaptors) throws Exception {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("transport already started");
        }
        TransportLoops shared = sharedLoops;
        TransportLoops loops = shared != null ? shared : TransportLoops.create(settings.routerId(), ioThreads, dns);
        this.loops = loops;
        boolean epoll = loops.epoll();
        this.epoll = epoll;
        LOG.info("[{}] inter-router transport uses {}{}", settings.routerId(), epoll ? "epoll" : "NIO",
                shared == null ? "" : " on the event loops shared by the routers of this process");
        group = loops.group();
        EventLoop controlLoop = loops.controlLoop();
        this.controlLoop = controlLoop;
        Class<? extends ServerChannel> serverType = loops.serverChannelType();
        this.serverType = serverType;
        Class<? extends SocketChannel> socketType = loops.socketChannelType();
        Class<? extends DatagramChannel> datagramType = loops.datagramChannelType();
        resolvers = loops.resolvers();
        RoutingView routing = core instanceof RoutingView view ? view : RoutingView.empty(settings.routerId());
        StreamRouter streamRouter = new StreamRouter(settings.routerId(), routing::routingTable,
                loops.load()::meter);
        // Interiors choose for their edges' OPENs whether or not they have a TCP section of their own.
        streamRouter.openChooser(AttachedOpenChooser.over(routing));
        streamRouter.flows(streamFlows);
        streamRouter.spliceAfterBytes(epoll ? spliceAfterBytes : 0);
        streamRouter.spliceAfterReads(spliceAfterReads);
        streams = streamRouter;
        MessageRouter messageRouter = new MessageRouter(settings.routerId(), settings.instance(),
                settings.maxFrameBytes(), routing::forwarding, registry);
        messageRouter.start(group.next());
        messages = messageRouter;
        dataDialer = new DataConnectionDialer(group, linkBootstrap(epoll));
        LinkEnvironment env = LinkEnvironment.create(settings, registry, core, counters, channels, streamRouter,
                messageRouter).withTls(linkTls).withConnections(controlLoop, dataConnections, dataDialer);
        this.env = env;
        if (linkTls != null) {
            LOG.info("[{}] links use TLS 1.3 with client certificates ({}); certificate {}, CA {}", settings.routerId(),
                    linkTls.providerName(), linkTls.files().cert(), linkTls.files().ca());
            credentialsWatch = controlLoop.scheduleWithFixedDelay(
                    new CredentialsWatch(settings.routerId(), linkTls, registry),
                    CredentialsWatch.POLL_MILLIS, CredentialsWatch.POLL_MILLIS, TimeUnit.MILLISECONDS);
        }
        encodeFailures = env.encoder().failures();
        synchronized (this.adaptors) {
            this.adaptors.addAll(adaptors);
        }
        try {
            for (Endpoint endpoint : settings.listen()) {
                Channel listener = bind(env, endpoint, serverType);
                synchronized (listeners) {
                    listeners.add(listener);
                    listenerEndpoints.add(endpoint);
                }
            }
            AdaptorContext context = new AdaptorContext(settings.routerId(), group, serverType, socketType, datagramType, resolvers,
                    streamRouter, messageRouter, routing, localConsumers(core));
            adaptorContext = context;
            for (ProtocolAdaptor adaptor : adaptors) {
                adaptor.start(context);
            }
        } catch (Exception e) {
            close();
            throw e;
        }
        for (Endpoint peer : settings.peers()) {
            startDialer(peer);
        }
    }

    private void startDialer(Endpoint peer) {
        PeerDialer dialer = new PeerDialer(env, peer, controlLoop, linkBootstrap(epoll).resolver(resolvers));
        synchronized (dialers) {
            dialers.add(dialer);
        }
        dialer.start();
    }

    /**
     * Binds the listeners of a reloaded configuration that are not bound yet (by host, port and cost) and returns the
     * change, to {@link LinkChanges#apply apply} once every other part of the reload is ready too, or to
     * {@link LinkChanges#abandon abandon}. Nothing else changes here. Throws, having unbound what it bound, when a new
     * listener cannot bind. Caller thread (one reload at a time).
     */
    public LinkChanges prepareLinks(List<Endpoint> listen, List<Endpoint> peers) throws IOException {
        if (env == null || closed.get()) {
            throw new IllegalStateException("transport not running");
        }
        List<Endpoint> bound;
        synchronized (listeners) {
            bound = List.copyOf(listenerEndpoints);
        }
        List<Endpoint> toBind = listen.stream().filter(e -> !bound.contains(e)).toList();
        List<Endpoint> toUnbind = bound.stream().filter(e -> !listen.contains(e)).toList();
        List<Channel> fresh = new ArrayList<>();
        try {
            for (Endpoint endpoint : toBind) {
                fresh.add(bindReplacing(endpoint, toUnbind));
            }
        } catch (IOException e) {
            fresh.forEach(Channel::close);
            throw e;
        }
        List<Endpoint> dialing;
        synchronized (dialers) {
            dialing = dialers.stream().map(PeerDialer::endpoint).toList();
        }
        List<Endpoint> dial = new ArrayList<>(peers.stream().filter(p -> !dialing.contains(p)).toList());
        List<Endpoint> stopDialing = new ArrayList<>(dialing.stream().filter(p -> !peers.contains(p)).toList());
        List<Endpoint> recost = new ArrayList<>();
        for (Endpoint next : List.copyOf(dial)) {
            Endpoint old = stopDialing.stream().filter(o -> sameAddress(o, next)).findFirst().orElse(null);
            if (old != null) { // the cost alone changed: the link stays and takes the new cost
                dial.remove(next);
                stopDialing.remove(old);
                recost.add(next);
            }
        }
        return new LinkChanges(toBind, fresh, toUnbind, dial, stopDialing, recost);
    }

    /** Same host and port, reached the same way (a changed proxy is a new peer: dialed again, not recosted). */
    private static boolean sameAddress(Endpoint a, Endpoint b) {
        return a.host().equals(b.host()) && a.port() == b.port() && java.util.Objects.equals(a.proxy(), b.proxy());
    }

    /**
     * Binds {@code endpoint}; when a listener being removed holds the same host and port (its cost changed), that one
     * is closed first, since both cannot hold the port.
     */
    private Channel bindReplacing(Endpoint endpoint, List<Endpoint> toUnbind) throws IOException {
        for (Endpoint old : toUnbind) {
            if (sameAddress(old, endpoint) && old.port() != 0) {
                Channel channel = listenerFor(old);
                if (channel != null) {
                    channel.close().awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS);
                }
            }
        }
        return bind(env, endpoint, serverType);
    }

    private Channel listenerFor(Endpoint endpoint) {
        synchronized (listeners) {
            int i = listenerEndpoints.indexOf(endpoint);
            return i < 0 ? null : listeners.get(i);
        }
    }

    /**
     * What a reload changes in the links: listeners bound for it and listeners to close (links accepted on a closed
     * listener are closed with CLOSE RECONFIGURED; on a listener bound again with a new cost they stay and take the
     * new cost); peers to dial, to stop dialing (their links closed with CLOSE RECONFIGURED) and whose cost changed
     * (their links stay and take the new cost: LINK_COST to the peer, the agreed cost to the routing core).
     */
    public final class LinkChanges {
        private final List<Endpoint> bindEndpoints;
        private final List<Channel> bound;
        private final List<Endpoint> unbind;
        private final List<Endpoint> dial;
        private final List<Endpoint> stopDialing;
        private final List<Endpoint> recost;

        private LinkChanges(List<Endpoint> bindEndpoints, List<Channel> bound, List<Endpoint> unbind,
                List<Endpoint> dial, List<Endpoint> stopDialing, List<Endpoint> recost) {
            this.bindEndpoints = bindEndpoints;
            this.bound = bound;
            this.unbind = unbind;
            this.dial = dial;
            this.stopDialing = stopDialing;
            this.recost = recost;
        }

        public boolean isEmpty() {
            return bindEndpoints.isEmpty() && unbind.isEmpty() && dial.isEmpty() && stopDialing.isEmpty()
                    && recost.isEmpty();
        }

        /** One line for the log: what changes. */
        public String describe() {
            List<String> parts = new ArrayList<>();
            bindEndpoints.forEach(e -> parts.add("listen on " + e));
            unbind.forEach(e -> parts.add("stop listening on " + e));
            dial.forEach(e -> parts.add("dial " + e));
            stopDialing.forEach(e -> parts.add("stop dialing " + e));
            recost.forEach(e -> parts.add("cost " + e.cost() + " for peer " + e.host() + ":" + e.port()));
            return parts.isEmpty() ? "no link changes" : String.join(", ", parts);
        }

        /** Unbinds what {@link #prepareLinks} bound; nothing else was changed. */
        public void abandon() {
            bound.forEach(Channel::close);
        }

        public void apply() {
            for (Endpoint endpoint : unbind) {
                Channel channel;
                synchronized (listeners) {
                    int i = listenerEndpoints.indexOf(endpoint);
                    if (i < 0) {
                        continue;
                    }
                    channel = listeners.remove(i);
                    listenerEndpoints.remove(i);
                }
                int port = ((InetSocketAddress) channel.localAddress()).getPort();
                channel.close();
                Endpoint rebound = bindEndpoints.stream().filter(e -> sameAddress(e, endpoint) && e.port() != 0)
                        .findFirst().orElse(null);
                if (rebound != null) {
                    recostLinksAcceptedOn(port, rebound.cost());
                } else {
                    closeLinksAcceptedOn(port, "listener " + endpoint + " removed by a configuration reload");
                }
                LOG.info("[{}] stopped listening for routers on {} (configuration reload)", settings.routerId(),
                        endpoint);
            }
            synchronized (listeners) {
                listeners.addAll(bound);
                listenerEndpoints.addAll(bindEndpoints);
            }
            for (Endpoint endpoint : stopDialing) {
                PeerDialer dialer;
                synchronized (dialers) {
                    dialer = dialers.stream().filter(d -> d.endpoint().equals(endpoint)).findFirst().orElse(null);
                    dialers.remove(dialer);
                }
                if (dialer != null) {
                    dialer.closeForReload("peer " + endpoint + " removed or changed by a configuration reload");
                    LOG.info("[{}] stopped dialing peer {} (configuration reload)", settings.routerId(), endpoint);
                }
            }
            for (Endpoint endpoint : recost) {
                synchronized (dialers) {
                    dialers.stream().filter(d -> sameAddress(d.endpoint(), endpoint)).findFirst()
                            .ifPresent(d -> d.changeCost(endpoint.cost()));
                }
                LOG.info("[{}] peer {}:{} now costs {} (configuration reload)", settings.routerId(), endpoint.host(),
                        endpoint.port(), endpoint.cost());
            }
            for (Endpoint endpoint : dial) {
                startDialer(endpoint);
                LOG.info("[{}] dialing peer {} (configuration reload)", settings.routerId(), endpoint);
            }
        }
    }

    /** Gives the links accepted on local port {@code port} a new configured cost (their listener's, reloaded). */
    private void recostLinksAcceptedOn(int port, int cost) {
        forEachAcceptedOn(port, session -> session.changeConfiguredCost(cost)); // data connections ignore it
    }

    /** Closes, with CLOSE RECONFIGURED, the links and data connections accepted on local port {@code port}. */
    private void closeLinksAcceptedOn(int port, String why) {
        forEachAcceptedOn(port, session -> session.closeForReload(why));
    }

    /** Runs {@code action} on the event loop of each connection accepted on local port {@code port}. */
    private void forEachAcceptedOn(int port, Consumer<LinkSession> action) {
        for (Channel channel : channels) {
            if (channel.parent() != null && channel.localAddress() instanceof InetSocketAddress local
                    && local.getPort() == port) {
                channel.eventLoop().execute(() -> {
                    LinkSession session = LinkSession.of(channel);
                    if (session != null) {
                        action.accept(session);
                    }
                });
            }
        }
    }

    /**
     * Closes {@code old} (its clients are disconnected) and starts {@code replacement} in its place, for a reload that
     * changed an adaptor's settings. Throws when the replacement cannot start; {@code old} is closed by then.
     */
    public void replaceAdaptor(ProtocolAdaptor old, ProtocolAdaptor replacement) throws Exception {
        Objects.requireNonNull(replacement, "replacement");
        AdaptorContext context = adaptorContext;
        if (context == null) {
            throw new IllegalStateException("transport not running");
        }
        synchronized (adaptors) {
            int i = old == null ? -1 : adaptors.indexOf(old);
            if (i >= 0) {
                adaptors.set(i, replacement);
            } else {
                adaptors.add(replacement);
            }
        }
        if (old != null) {
            old.close();
        }
        replacement.start(context);
    }

    /** Stops and forgets an adaptor a reload removed. */
    public void removeAdaptor(ProtocolAdaptor adaptor) {
        synchronized (adaptors) {
            adaptors.remove(adaptor);
        }
        adaptor.close();
    }

    /** Channel type and options of every inter-router connection this router dials. */
    private static Bootstrap linkBootstrap(boolean epoll) {
        return new Bootstrap()
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK);
    }

    /** The core as adaptors announce local consumers to it; a core that takes none refuses them (a wiring error). */
    private static LocalConsumers localConsumers(CoreEvents core) {
        if (core instanceof LocalConsumers consumers) {
            return consumers;
        }
        return new LocalConsumers() {
            @Override
            public void submitAddConsumer(Address address) {
                throw new IllegalStateException("this core takes no local consumers (" + address + ")");
            }

            @Override
            public void submitRemoveConsumer(Address address) {
                throw new IllegalStateException("this core takes no local consumers (" + address + ")");
            }
        };
    }

    /** Live streams at this router (listener, transit and connector side), oldest first. Any thread. */
    public List<StreamView> streamViews() {
        StreamRouter router = streams;
        return router == null ? List.of() : router.views();
    }

    /** The data plane, for tests and status; null before {@link #start}. */
    public StreamRouter streamRouter() {
        return streams;
    }

    /** The message plane (MESSAGE frames); null before {@link #start}. */
    public MessageRouter messageRouter() {
        return messages;
    }

    private Channel bind(LinkEnvironment env, Endpoint endpoint, Class<? extends ServerChannel> type)
            throws IOException {
        ChannelFuture future = new ServerBootstrap()
                .group(group)
                .channel(type)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(LinkInitializer.inbound(env, endpoint.cost()))
                .bind(endpoint.host(), endpoint.port())
                .awaitUninterruptibly();
        if (!future.isSuccess()) {
            throw new IOException("cannot listen on " + endpoint + ": " + Errors.describe(future.cause()),
                    future.cause());
        }
        LOG.info("[{}] listening for routers on {}", settings.routerId(),
                LinkSession.format(future.channel().localAddress()));
        return future.channel();
    }

    /** Actual bound addresses of the listeners, in configuration order (useful with port 0). */
    public List<InetSocketAddress> boundAddresses() {
        List<InetSocketAddress> addresses = new ArrayList<>();
        synchronized (listeners) {
            for (Channel listener : listeners) {
                addresses.add((InetSocketAddress) listener.localAddress());
            }
        }
        return addresses;
    }

    /** The active link to {@code peerId}, or null (for tests and status). */
    public ActiveLink activeLink(String peerId) {
        return registry.toPeer(peerId);
    }

    /** The data connections of the current link to {@code peerId} (none without a link). Any thread. */
    public List<Channel> dataConnections(String peerId) {
        ActiveLink link = registry.toPeer(peerId);
        return link == null ? List.of() : link.data().all();
    }

    /** The channel of the current link (control connection) to {@code peerId}, or null. Any thread. */
    public Channel linkChannel(String peerId) {
        ActiveLink link = registry.toPeer(peerId);
        return link == null ? null : link.channel();
    }

    /** Active links, connections mid-handshake and configured peers without a link, each connection once. */
    public List<LinkView> linkViews() {
        List<PeerDialer> dialing;
        synchronized (dialers) {
            dialing = List.copyOf(dialers);
        }
        return LinkListing.of(registry, dialing, System.nanoTime());
    }

    /**
     * Stops dialers and listeners, closes the adaptors in reverse start order (so they stop accepting before streams
     * are reset), resets every stream, sends CLOSE SHUTDOWN on every link (REFUSE on connections mid-handshake), waits
     * briefly for those frames to drain, then stops the event loops. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        synchronized (dialers) {
            dialers.forEach(PeerDialer::close);
        }
        ScheduledFuture<?> watch = credentialsWatch;
        if (watch != null) {
            watch.cancel(false); // the control loop may be shared and outlive this transport
        }
        DataConnectionDialer data = dataDialer;
        if (data != null) {
            data.close();
        }
        synchronized (listeners) {
            listeners.forEach(listener -> listener.close().awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS));
        }
        closeAdaptors();
        StreamRouter router = streams;
        if (router != null) {
            router.shutdown();
        }
        for (Channel channel : channels) {
            LinkSession session = LinkSession.of(channel);
            if (session != null) {
                channel.eventLoop().execute(session::shutdown);
            }
        }
        channels.newCloseFuture().awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS);
        MessageRouter messageRouter = messages;
        if (messageRouter != null) {
            messageRouter.close();
        }
        TransportLoops own = loops;
        if (own != null && own != sharedLoops) {
            own.close(SHUTDOWN_TIMEOUT_MILLIS);
        }
        LOG.info("[{}] inter-router transport closed", settings.routerId());
    }

    /** Reverse start order; one adaptor failing to close does not keep the others, or the links, open. */
    private void closeAdaptors() {
        List<ProtocolAdaptor> toClose;
        synchronized (adaptors) {
            toClose = new ArrayList<>(adaptors);
        }
        for (int i = toClose.size() - 1; i >= 0; i--) {
            ProtocolAdaptor adaptor = toClose.get(i);
            try {
                adaptor.close();
            } catch (RuntimeException e) {
                LOG.error("[{}] closing the {} adaptor failed; continuing", settings.routerId(), adaptor.name(), e);
            }
        }
    }
}
