package io.vanrouter.transport.adaptor.mqtt;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.vanrouter.core.address.Address;
import io.vanrouter.transport.adaptor.mqtt.auth.MqttAuthenticator;
import io.vanrouter.transport.adaptor.mqtt.auth.MqttUsers;
import io.vanrouter.transport.link.LinkInitializer;
import io.vanrouter.transport.message.MessageCounters;
import io.vanrouter.transport.message.MessageRouter;
import io.vanrouter.transport.netty.ApplicationSockets;
import io.vanrouter.transport.netty.Errors;
import io.vanrouter.transport.netty.ExceptionHandler;
import io.vanrouter.transport.tls.ServerTls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MQTT listener of one router: accepts MQTT 3.1.1 and 5 clients on the transport's event loops, turns their
 * subscriptions into local consumers of the address layer and their publishes into messages of the
 * {@link MessageRouter}, which in turn delivers to them. Not a broker: no retained messages, no persistent sessions.
 * Built and started by {@link MqttAdaptor}; tests run its client pipeline on an EmbeddedChannel.
 *
 * <p>Any thread.
 */
final class MqttListener implements AutoCloseable {
    static final Logger LOG = LoggerFactory.getLogger("vanrouter.adaptor.mqtt");
    static final String IDLE = "idle";
    /** Netty's MqttEncoder: every packet but the deliveries, which {@link MqttPublishEncoder} writes past it. */
    static final String ENCODER = "mqttEncoder";
    /** How often the users file is looked at: a removed user is cut off within about this long. */
    static final long USERS_POLL_MILLIS = 1_000;
    /** Per-client socket water marks: a client above the high mark is not written to until it drains. */
    public static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 << 10, 128 << 10);

    private final MqttSettings settings;
    private final MessageRouter router;
    private final LocalSubscriptions subscriptions;
    private final MqttCounters counters;
    private final Map<String, MqttConnectionHandler> clients = new ConcurrentHashMap<>();
    private final Map<MqttConnectionHandler, ChannelHandlerContext> contexts = new ConcurrentHashMap<>();
    private final ChannelGroup channels = new DefaultChannelGroup("mqtt", GlobalEventExecutor.INSTANCE);
    private final AtomicLong connectionIds = new AtomicLong();
    private final ExceptionHandler exceptions;
    private final ServerTls tls; // null: plain MQTT
    private final ClientTlsFailures tlsFailures;
    private final MqttAuthenticator authenticator; // null: no users file, anyone may connect
    private volatile ScheduledFuture<?> usersPoll;
    private volatile Channel listener;
    private volatile boolean closed;
    /** Told of every finished session; must not block (the flow log queues). Null: nowhere. */
    private volatile Consumer<MqttSessionFlow> flows;

    /**
     * @param addConsumer    told when a filter gets its first local subscriber ({@code CoreLoop::submitAddConsumer})
     * @param removeConsumer told when it loses its last one
     * @param counters       where connections and packets are counted (owned by the adaptor)
     */
    MqttListener(MqttSettings settings, MessageRouter router, Consumer<Address> addConsumer,
            Consumer<Address> removeConsumer, MqttCounters counters) {
        this(settings, router, addConsumer, removeConsumer, counters, null, null);
    }

    /**
     * @param tls           TLS for every client connection (null: plain)
     * @param authenticator checks user names and passwords (null: none asked)
     */
    MqttListener(MqttSettings settings, MessageRouter router, Consumer<Address> addConsumer,
            Consumer<Address> removeConsumer, MqttCounters counters, ServerTls tls, MqttAuthenticator authenticator) {
        this.tls = tls;
        this.authenticator = authenticator;
        if (authenticator != null) {
            authenticator.onChange(this::usersChanged);
        }
        this.tlsFailures = new ClientTlsFailures(router.self());
        this.settings = settings;
        this.router = router;
        this.counters = counters;
        this.subscriptions = new LocalSubscriptions(addConsumer, removeConsumer);
        this.exceptions = new ExceptionHandler(router.self());
        router.addLocalDelivery(subscriptions);
    }

    /** Binds the listener (throws with a clear message when it cannot). */
    void start(EventLoopGroup group, Class<? extends ServerChannel> type) throws IOException {
        ChannelFuture bound = new ServerBootstrap().group(group).channel(type)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_RCVBUF, ApplicationSockets.RECEIVE_BUFFER_BYTES) // inherited by clients, before listen
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(clientInitializer())
                .bind(settings.host(), settings.port()).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IOException("cannot listen for MQTT on " + settings.host() + ":" + settings.port() + ": "
                    + Errors.describe(bound.cause()), bound.cause());
        }
        listener = bound.channel();
        if (authenticator != null) {
            usersPoll = group.next().scheduleWithFixedDelay(authenticator::checkForChanges, USERS_POLL_MILLIS,
                    USERS_POLL_MILLIS, TimeUnit.MILLISECONDS);
        }
        if (closed) { // close() came while binding and may have missed what was just bound
            close();
            throw new IOException("MQTT listener on " + settings.host() + ":" + settings.port()
                    + " closed while binding");
        }
        LOG.info("[{}] listening for MQTT clients on {}{}{}", routerId(), boundAddress(), tls == null ? ""
                : tls.clientCertificates() ? " (TLS, client certificates required)" : " (TLS)",
                authenticator == null ? "" : " (user names and passwords required)");
    }

    /** The pipeline of one client connection (tests run it on an EmbeddedChannel). */
    ChannelInitializer<Channel> clientInitializer() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                channels.add(ch);
                String key = "c" + connectionIds.incrementAndGet();
                if (tls != null) {
                    ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
                    ch.pipeline().addLast("tlsFailures", tlsFailures);
                }
                // PUBACKs are written one by one as MESSAGE_ACKs arrive: flushed together after the read batch or
                // task run that wrote them, not one syscall each.
                ch.pipeline().addLast("flushes", new FlushConsolidationHandler(LinkInitializer.FLUSHES_CONSOLIDATED_MAX, true));
                MqttPublishDecoder publishDecoder = new MqttPublishDecoder(settings.maxMessageBytes());
                ch.pipeline().addLast("mqttPublishDecoder", publishDecoder);
                ch.pipeline().addLast("mqttDecoder", new MqttDecoder(settings.maxMessageBytes()));
                ch.pipeline().addLast("mqttDecoded", publishDecoder.afterMqttDecoder());
                ch.pipeline().addLast(ENCODER, MqttEncoder.INSTANCE);
                ch.pipeline().addLast(IDLE, new IdleStateHandler(settings.connectTimeoutMillis(), 0, 0,
                        TimeUnit.MILLISECONDS));
                ch.pipeline().addLast("mqtt", new MqttConnectionHandler(MqttListener.this, key));
                ch.pipeline().addLast("exceptions", exceptions);
            }
        };
    }

    MqttAuthenticator authenticator() {
        return authenticator;
    }

    /** Each connected client checks its user against the new users file, on its own loop. */
    private void usersChanged(MqttUsers users) {
        contexts.forEach((handler, ctx) -> ctx.executor().execute(() -> handler.usersChanged(ctx, users)));
    }

    public InetSocketAddress boundAddress() {
        Channel channel = listener;
        return channel == null ? null : (InetSocketAddress) channel.localAddress();
    }

    public MqttCounters counters() {
        return counters;
    }

    /** The message plane's per-topic counters, where sessions count the messages they drop. */
    MessageCounters topicCounters() {
        return router.counters();
    }

    public int connectedClients() {
        return clients.size();
    }

    /** Subscriptions (filters and shared-group memberships) of connected clients now. Any thread. */
    public int subscriptionCount() {
        int count = 0;
        for (MqttConnectionHandler handler : clients.values()) {
            count += handler.subscriptionCount();
        }
        return count;
    }

    /** QoS 1 deliveries written to connected clients and not yet acknowledged. Any thread. */
    public int qos1InFlight() {
        int count = 0;
        for (MqttConnectionHandler handler : clients.values()) {
            count += handler.inflightCount();
        }
        return count;
    }

    void flows(Consumer<MqttSessionFlow> consumer) {
        this.flows = consumer;
    }

    Consumer<MqttSessionFlow> flows() {
        return flows;
    }

    MqttSettings settings() {
        return settings;
    }

    MessageRouter router() {
        return router;
    }

    LocalSubscriptions subscriptions() {
        return subscriptions;
    }

    String routerId() {
        return router.self();
    }

    String assignClientId() {
        return "vanrouter-" + routerId() + "-" + connectionIds.incrementAndGet();
    }

    /** A CONNECT was accepted: an older connection with the same client id is taken over. */
    void connected(String clientId, MqttConnectionHandler handler) {
        MqttConnectionHandler previous = clients.put(clientId, handler);
        if (previous != null) {
            ChannelHandlerContext ctx = contexts.get(previous);
            if (ctx != null) {
                ctx.executor().execute(() -> previous.takenOver(ctx));
            }
        }
    }

    void context(MqttConnectionHandler handler, ChannelHandlerContext ctx) {
        contexts.put(handler, ctx);
    }

    void disconnected(String clientId, MqttConnectionHandler handler) {
        clients.remove(clientId, handler);
        contexts.remove(handler);
    }

    /**
     * Stops listening and closes every client connection. Marks the listener closed before it looks at what is bound,
     * and {@link #start} looks at the mark after binding: one of them sees the other, so a close during a bind leaves
     * nothing bound. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        router.removeLocalDelivery(subscriptions);
        ScheduledFuture<?> poll = usersPoll;
        if (poll != null) {
            poll.cancel(false);
        }
        Channel channel = listener;
        if (channel != null) {
            channel.close().awaitUninterruptibly(2_000);
        }
        channels.close().awaitUninterruptibly(2_000);
    }
}
