package io.vanrouter.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.vanrouter.core.address.AddressRules;
import io.vanrouter.core.address.AddressSnapshotView;
import io.vanrouter.core.path.RoutingTable;
import io.vanrouter.core.port.ControlSender;
import io.vanrouter.transport.adaptor.tcp.ConnectorDirectory;
import io.vanrouter.transport.adaptor.tcp.StaticConnectorDirectory;
import io.vanrouter.transport.adaptor.tcp.TcpAdaptor;
import io.vanrouter.transport.adaptor.tcp.TcpAddressCounters;
import io.vanrouter.transport.adaptor.tcp.TcpConnectorSettings;
import io.vanrouter.transport.link.ActiveLink;
import io.vanrouter.transport.link.DataConnectionDialer;
import io.vanrouter.transport.link.LinkEnvironment;
import io.vanrouter.transport.link.LinkInitializer;
import io.vanrouter.transport.link.LinkRegistry;
import io.vanrouter.transport.link.LinkSession;
import io.vanrouter.transport.link.NettyControlSender;
import io.vanrouter.transport.link.PeerDialer;
import io.vanrouter.transport.link.TransportCounters;
import io.vanrouter.transport.message.MessageRouter;
import io.vanrouter.transport.netty.DnsResolvers;
import io.vanrouter.transport.netty.Errors;
import io.vanrouter.transport.stream.StreamRouter;
import io.vanrouter.transport.stream.StreamView;
import io.vanrouter.transport.wire.EncodeFailures;
import io.vanrouter.transport.wire.HandshakeFrame;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the event loops, inter-router listeners, outgoing peer dialers and the registry of active links.
 *
 * <p>Wiring: {@code server = new TransportServer(settings)}, then {@code core = new CoreLoop(coreSettings,
 * server.controlSender())}, then {@code server.start(core, directory)}. {@link #close()} resets live streams and sends
 * every peer a CLOSE frame with a reason, so that they reroute at once rather than after their dead interval.
 *
 * <p>The data plane ({@link StreamRouter}) and the TCP adaptor ({@link TcpAdaptor}) start with the links: streams
 * read the routing table from {@link CoreLoop#routingTable()}, lock-free, and listeners pick connectors through the
 * {@link ConnectorDirectory} given to {@link #start(CoreEvents, ConnectorDirectory)}.
 *
 * <p>Any thread.
 */
public final class TransportServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("vanrouter.link");

    /** Pending outbound bytes above which a link stops being writable (the core's senders may check). */
    public static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 << 10, 1 << 20);
    public static final int IO_THREADS = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));
    /** Data connections per link offered by default: one per event loop (docs/protocol.md, section 5.1). */
    public static final int DATA_CONNECTIONS_DEFAULT = IO_THREADS;
    /** How long {@link #close()} waits for CLOSE frames to drain, then for the event loops to stop. */
    public static final long SHUTDOWN_TIMEOUT_MILLIS = 3_000;

    private final TransportSettings settings;
    private final DnsSettings dns;
    private final LinkRegistry registry;
    private final TransportCounters counters = new TransportCounters();
    private final NettyControlSender sender;
    private final ChannelGroup channels = new DefaultChannelGroup("links", GlobalEventExecutor.INSTANCE);
    private final List<Channel> listeners = new ArrayList<>();
    private final List<PeerDialer> dialers = new ArrayList<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile int dataConnections = DATA_CONNECTIONS_DEFAULT;
    private volatile DataConnectionDialer dataDialer;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile EventLoopGroup group;
    /** One thread for every link (control connection): data work on {@link #group} never delays a hello. */
    private volatile EventLoopGroup controlGroup;
    /** Resolves host names of peers and TCP connectors on the event loops of {@link #group}; closed with it. */
    private volatile AddressResolverGroup<InetSocketAddress> resolvers;
    private volatile StreamRouter streams;
    private volatile TcpAdaptor tcp;
    private volatile MessageRouter messages;
    private volatile EncodeFailures encodeFailures;

    public TransportServer(TransportSettings settings) {
        this(settings, DnsSettings.SYSTEM);
    }

    /** With {@code dns} telling where host names of peers and TCP connectors are resolved. */
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

    /**
     * Starts with a directory that knows only this router's own connectors (until the address table is wired).
     */
    public void start(CoreEvents core) throws Exception {
        Supplier<RoutingTable> routes = routes(core);
        List<String> self = List.of(settings.routerId());
        Map<String, List<String>> local = new java.util.HashMap<>();
        for (TcpConnectorSettings connector : settings.tcpConnectors()) {
            local.put(connector.address(), self);
        }
        start(core, new StaticConnectorDirectory(settings.routerId(), local, routes));
    }

    /**
     * Binds every inter-router and TCP listener (throws with a clear message if one cannot bind) and starts dialing
     * peers. {@code directory} tells TCP listeners which routers have connectors for their address.
     */
    public void start(CoreEvents core, ConnectorDirectory directory) throws Exception {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("transport already started");
        }
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        LOG.info("[{}] inter-router transport uses {}", settings.routerId(), epoll ? "epoll" : "NIO");
        group = new MultiThreadIoEventLoopGroup(IO_THREADS,
                new DefaultThreadFactory("vanrouter-" + settings.routerId() + "-io", true), factory);
        controlGroup = new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory("vanrouter-" + settings.routerId() + "-control", true), factory);
        EventLoop controlLoop = controlGroup.next();
        resolvers = DnsResolvers.create(dns, epoll ? EpollDatagramChannel.class : NioDatagramChannel.class,
                epoll ? EpollSocketChannel.class : NioSocketChannel.class);
        StreamRouter streamRouter = new StreamRouter(settings.routerId(), routes(core));
        streams = streamRouter;
        MessageRouter messageRouter = messageRouter(core);
        messageRouter.start(group.next());
        messages = messageRouter;
        dataDialer = new DataConnectionDialer(group, linkBootstrap(epoll));
        LinkEnvironment env = LinkEnvironment.create(settings, registry, core, counters, channels, streamRouter,
                messageRouter).withConnections(controlLoop, dataConnections, dataDialer);
        encodeFailures = env.encoder().failures();
        try {
            for (Endpoint endpoint : settings.listen()) {
                listeners.add(bind(env, endpoint, epoll ? EpollServerSocketChannel.class
                        : NioServerSocketChannel.class));
            }
            TcpAdaptor adaptor = new TcpAdaptor(settings.tcpListeners(), settings.tcpConnectors(), directory,
                    streamRouter);
            tcp = adaptor;
            adaptor.start(group, epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class,
                    epoll ? EpollSocketChannel.class : NioSocketChannel.class, resolvers);
        } catch (Exception e) {
            close();
            throw e;
        }
        for (Endpoint peer : settings.peers()) {
            PeerDialer dialer = new PeerDialer(env, peer, controlLoop, linkBootstrap(epoll).resolver(resolvers));
            synchronized (dialers) {
                dialers.add(dialer);
            }
            dialer.start();
        }
    }

    /** Channel type and options of every inter-router connection this router dials. */
    private static Bootstrap linkBootstrap(boolean epoll) {
        return new Bootstrap()
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK);
    }

    /** The core's routing table when {@code core} is a {@link CoreLoop}; otherwise an empty one (tests). */
    private Supplier<RoutingTable> routes(CoreEvents core) {
        if (core instanceof CoreLoop loop) {
            return loop::routingTable;
        }
        RoutingTable empty = RoutingTable.empty(settings.routerId());
        return () -> empty;
    }

    /** Live streams at this router (listener, transit and connector side), oldest first. Any thread. */
    public List<StreamView> streamViews() {
        StreamRouter router = streams;
        return router == null ? List.of() : router.views();
    }

    /** TCP connection counters per address. Any thread. */
    public List<TcpAddressCounters> tcpCounters() {
        TcpAdaptor adaptor = tcp;
        return adaptor == null ? List.of() : adaptor.counters().views();
    }

    /** Bound addresses of the TCP listeners, in configuration order (useful with port 0). */
    public List<InetSocketAddress> tcpListenerAddresses() {
        TcpAdaptor adaptor = tcp;
        return adaptor == null ? List.of() : adaptor.listenerAddresses();
    }

    /** The data plane, for tests and status; null before {@link #start}. */
    public StreamRouter streamRouter() {
        return streams;
    }

    /** The TCP adaptor, for tests and status; null before {@link #start}. */
    public TcpAdaptor tcpAdaptor() {
        return tcp;
    }

    /** The message plane reads the core's routing table and address view (empty ones when not a CoreLoop). */
    private MessageRouter messageRouter(CoreEvents core) {
        if (core instanceof CoreLoop loop) {
            return new MessageRouter(settings.routerId(), settings.instance(), settings.maxFrameBytes(),
                    loop::routingTable, loop::addressView, registry);
        }
        RoutingTable routes = RoutingTable.empty(settings.routerId());
        AddressSnapshotView view = AddressSnapshotView.empty(settings.routerId(), AddressRules.none());
        return new MessageRouter(settings.routerId(), settings.instance(), settings.maxFrameBytes(), () -> routes,
                () -> view, registry);
    }

    /** The message plane (MESSAGE frames); null before {@link #start}. */
    public MessageRouter messageRouter() {
        return messages;
    }

    /** The server channel class adaptors should bind with (epoll when available). */
    public Class<? extends ServerChannel> serverChannelType() {
        return Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** The event loops of links (and of adaptors that share them); null before {@link #start}. */
    public EventLoopGroup eventLoops() {
        return group;
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

    /** Active links, connections mid-handshake and configured peers without a link. */
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

    public List<LinkView> linkViews() {
        long now = System.nanoTime();
        List<LinkView> views = new ArrayList<>();
        for (ActiveLink link : registry.activeLinks()) {
            views.add(link.view(now));
        }
        for (LinkSession session : registry.handshakingSessions()) {
            views.add(session.view(now));
        }
        synchronized (dialers) {
            for (PeerDialer dialer : dialers) {
                LinkView view = dialer.viewWithoutLink(now);
                if (view != null) {
                    views.add(view);
                }
            }
        }
        views.sort(Comparator.comparing(LinkView::state).thenComparing(LinkView::remote));
        return views;
    }

    /**
     * Stops dialers and listeners, sends CLOSE SHUTDOWN on every link (REFUSE on connections mid-handshake), waits
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
        DataConnectionDialer data = dataDialer;
        if (data != null) {
            data.close();
        }
        synchronized (listeners) {
            listeners.forEach(listener -> listener.close().awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS));
        }
        TcpAdaptor adaptor = tcp;
        if (adaptor != null) {
            adaptor.close();
        }
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
        AddressResolverGroup<InetSocketAddress> dnsResolvers = resolvers;
        if (dnsResolvers != null) {
            dnsResolvers.close();
        }
        for (EventLoopGroup loops : java.util.Arrays.asList(group, controlGroup)) {
            if (loops != null) {
                loops.shutdownGracefully(0, SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
                        .awaitUninterruptibly(2 * SHUTDOWN_TIMEOUT_MILLIS);
            }
        }
        LOG.info("[{}] inter-router transport closed", settings.routerId());
    }
}
