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
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ThreadPerTaskExecutor;
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
import io.vanrouter.transport.link.LinkSession;
import io.vanrouter.transport.link.NettyControlSender;
import io.vanrouter.transport.link.PeerDialer;
import io.vanrouter.transport.link.TransportCounters;
import io.vanrouter.transport.message.MessageRouter;
import io.vanrouter.transport.netty.ControlLoopGroup;
import io.vanrouter.transport.netty.DnsResolvers;
import io.vanrouter.transport.netty.Errors;
import io.vanrouter.transport.netty.LoopLoad;
import io.vanrouter.transport.tls.LinkTls;
import io.vanrouter.transport.stream.StreamFlow;
import io.vanrouter.transport.stream.StreamRouter;
import io.vanrouter.transport.stream.StreamView;
import io.vanrouter.transport.wire.EncodeFailures;
import io.vanrouter.transport.wire.HandshakeFrame;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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
    private final List<PeerDialer> dialers = new ArrayList<>();
    /** In start order; closed in reverse. */
    private final List<ProtocolAdaptor> adaptors = new ArrayList<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile int dataConnections = DATA_CONNECTIONS_DEFAULT;
    private volatile int ioThreads = IO_THREADS_DEFAULT;
    private volatile LinkTls linkTls;
    /** Places each new channel on the least busy loop of {@link #group}. */
    private final LoopLoad loopLoad = new LoopLoad();
    private volatile DataConnectionDialer dataDialer;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile EventLoopGroup group;
    /** One thread for every link (control connection): data work on {@link #group} never delays a hello. */
    private volatile EventLoopGroup controlGroup;
    /** Resolves host names of peers and adaptors' servers on the event loops of {@link #group}; closed with it. */
    private volatile AddressResolverGroup<InetSocketAddress> resolvers;
    private volatile StreamRouter streams;
    private volatile MessageRouter messages;
    private volatile EncodeFailures encodeFailures;
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

    /** Event loops for data connections and adaptor sockets (links' control connections have their own). Before {@link #start}. */
    /** TLS on every inter-router connection (null: plain TCP, the default); before {@link #start}. */
    public TransportServer linkTls(LinkTls tls) {
        this.linkTls = tls;
        return this;
    }

    /** The link credentials in use, or null when links are plain. */
    public LinkTls linkTls() {
        return linkTls;
    }

    public TransportServer ioThreads(int loops) {
        if (loops < 1) {
            throw new IllegalArgumentException("io threads " + loops + " must be at least 1");
        }
        this.ioThreads = loops;
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
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        LOG.info("[{}] inter-router transport uses {}", settings.routerId(), epoll ? "epoll" : "NIO");
        group = new MultiThreadIoEventLoopGroup(ioThreads,
                new ThreadPerTaskExecutor(new DefaultThreadFactory("vanrouter-" + settings.routerId() + "-io", true)),
                loopLoad, factory);
        controlGroup = new ControlLoopGroup(
                new DefaultThreadFactory("vanrouter-" + settings.routerId() + "-control", true), factory);
        EventLoop controlLoop = controlGroup.next();
        Class<? extends ServerChannel> serverType = epoll ? EpollServerSocketChannel.class
                : NioServerSocketChannel.class;
        Class<? extends SocketChannel> socketType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        resolvers = DnsResolvers.create(dns, epoll ? EpollDatagramChannel.class : NioDatagramChannel.class,
                socketType);
        RoutingView routing = core instanceof RoutingView view ? view : RoutingView.empty(settings.routerId());
        StreamRouter streamRouter = new StreamRouter(settings.routerId(), routing::routingTable, loopLoad::meter);
        streamRouter.flows(streamFlows);
        streams = streamRouter;
        MessageRouter messageRouter = new MessageRouter(settings.routerId(), settings.instance(),
                settings.maxFrameBytes(), routing::forwarding, registry);
        messageRouter.start(group.next());
        messages = messageRouter;
        dataDialer = new DataConnectionDialer(group, linkBootstrap(epoll));
        LinkEnvironment env = LinkEnvironment.create(settings, registry, core, counters, channels, streamRouter,
                messageRouter).withTls(linkTls).withConnections(controlLoop, dataConnections, dataDialer);
        if (linkTls != null) {
            LOG.info("[{}] links use TLS 1.3 with client certificates ({}); certificate {}, CA {}", settings.routerId(),
                    linkTls.providerName(), linkTls.files().cert(), linkTls.files().ca());
            controlLoop.scheduleWithFixedDelay(new CredentialsWatch(settings.routerId(), linkTls, registry),
                    CredentialsWatch.POLL_MILLIS, CredentialsWatch.POLL_MILLIS, TimeUnit.MILLISECONDS);
        }
        encodeFailures = env.encoder().failures();
        synchronized (this.adaptors) {
            this.adaptors.addAll(adaptors);
        }
        try {
            for (Endpoint endpoint : settings.listen()) {
                listeners.add(bind(env, endpoint, serverType));
            }
            AdaptorContext context = new AdaptorContext(settings.routerId(), group, serverType, socketType, resolvers,
                    streamRouter, messageRouter, routing, localConsumers(core));
            for (ProtocolAdaptor adaptor : adaptors) {
                adaptor.start(context);
            }
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
