package io.vanrouter.transport.adaptor.udp;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import io.vanrouter.core.address.Distribution;
import io.vanrouter.transport.adaptor.ListenerChannel;
import io.vanrouter.transport.adaptor.tcp.ConnectorDirectory;
import io.vanrouter.transport.link.LinkSession;
import io.vanrouter.transport.netty.Errors;
import io.vanrouter.transport.stream.ConnectorChooser;
import io.vanrouter.transport.stream.StreamRouter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One UDP listener: one socket, whose datagrams are told apart by their source address and port. Each source (a
 * client) becomes a {@link ClientFlow}, a stream toward a connector chosen by its {@link ConnectorChooser}; replies
 * leave through the same socket to that source. A flow with no datagram either way for the idle timeout ends; the
 * sweep runs every quarter of it, so a flow ends between 1 and 1.25 idle timeouts after its last datagram.
 *
 * <p>Flows and datagrams: the socket's event loop. {@link #bind} and {@link #close}: the caller's thread,
 * {@link #close} possibly while another thread is in {@link #bind}: the port is let go of either way.
 */
final class UdpListener extends SimpleChannelInboundHandler<DatagramPacket> {
    static final Logger LOG = LoggerFactory.getLogger("vanrouter.adaptor.udp");
    /** Clients with a flow at once; a datagram from a new client past it is dropped and counted. */
    static final int FLOWS_MAX = 10_000;
    private static final long SWEEP_MILLIS_MIN = 10;
    /** Room for bursts from many clients between two reads (the kernel caps it at net.core.rmem_max). */
    static final int RECEIVE_BUFFER_BYTES = 1 << 20;

    final UdpListenerSettings settings;
    final StreamRouter router;
    final ConnectorDirectory directory;
    final ConnectorChooser chooser;
    final UdpCounters counters;
    private final long idleTimeoutNanos;
    /** Flows by client; the socket's loop only. */
    private final Map<InetSocketAddress, ListenerFlow> flows = new HashMap<>();
    private final AtomicReference<Boolean> reachable = new AtomicReference<>();
    /** Bumped whenever the connector directory may have changed; multicast flows join new sites when it moves. */
    private final AtomicLong directoryVersion = new AtomicLong();
    private final boolean multicast;
    private final ListenerChannel server;

    UdpListener(UdpListenerSettings settings, StreamRouter router, ConnectorDirectory directory, UdpCounters counters,
            long idleTimeoutMillis) {
        this.settings = settings;
        this.router = router;
        this.directory = directory;
        this.chooser = ConnectorChooser.of(settings.distribution());
        this.multicast = settings.distribution() == Distribution.MULTICAST;
        this.counters = counters;
        this.idleTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(idleTimeoutMillis);
        this.server = new ListenerChannel(LOG, router.routerId(), "udp listener for '" + settings.address() + "' on "
                + settings.host() + ":" + settings.port());
    }

    void bind(EventLoopGroup group, Class<? extends DatagramChannel> type) throws IOException {
        ChannelFuture future = new Bootstrap()
                .group(group)
                .channel(type)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.RCVBUF_ALLOCATOR, Datagrams.readAllocator())
                .option(ChannelOption.SO_RCVBUF, RECEIVE_BUFFER_BYTES)
                .handler(this)
                .bind(settings.host(), settings.port())
                .awaitUninterruptibly();
        if (!future.isSuccess()) {
            throw new IOException("cannot listen for udp '" + settings.address() + "' on " + settings.host() + ":"
                    + settings.port() + ": " + Errors.describe(future.cause()), future.cause());
        }
        Channel bound = future.channel();
        long sweepMillis = Math.max(SWEEP_MILLIS_MIN, TimeUnit.NANOSECONDS.toMillis(idleTimeoutNanos) / 4);
        ScheduledFuture<?> sweep = bound.eventLoop().scheduleAtFixedRate(this::expireIdle, sweepMillis, sweepMillis,
                TimeUnit.MILLISECONDS);
        bound.closeFuture().addListener(done -> sweep.cancel(false)); // the sweep ends with the socket
        server.bound(bound, () -> directory.subscribe(() -> {
            directoryVersion.incrementAndGet();
            noteReachable(!directory.candidates(streamAddress()).isEmpty());
        }));
        LOG.info("[{}] udp listener for '{}' on {} ({}, flows end after {} ms idle)", router.routerId(),
                settings.address(), server.where(),
                settings.distribution().name().toLowerCase(Locale.ROOT), TimeUnit.NANOSECONDS.toMillis(
                        idleTimeoutNanos));
    }

    String streamAddress() {
        return UdpAdaptor.streamAddress(settings.address());
    }

    InetSocketAddress localAddress() {
        return server.localAddress();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        InetSocketAddress client = packet.sender();
        ListenerFlow flow = flows.get(client);
        if (flow == null) {
            if (flows.size() >= FLOWS_MAX) {
                counters.flowLimit(settings.address());
                return;
            }
            flow = multicast ? new MulticastFlow(this, client) : new ClientFlow(this, client);
            if (!flow.start(ctx.channel().eventLoop())) {
                counters.noConnector(settings.address());
                return;
            }
            flows.put(client, flow);
        }
        flow.offer(packet.content().retain());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // An unconnected UDP socket fails only transiently (e.g. ICMP for one client): log it, keep listening.
        LOG.debug("[{}] udp listener for '{}': {}", router.routerId(), settings.address(), Errors.describe(cause));
    }

    /** A reply to {@code client} (ownership passes); dropped and counted when the socket is over its water mark. */
    void reply(ByteBuf datagram, InetSocketAddress client) {
        Channel out = server.channel();
        if (out == null || !out.isWritable()) {
            datagram.release();
            counters.socketBusy(settings.address());
            return;
        }
        out.writeAndFlush(new DatagramPacket(datagram, client), out.voidPromise());
        counters.datagramOut(settings.address());
    }

    long directoryVersion() {
        return directoryVersion.get();
    }

    /** The flow's stream is over; socket's loop. */
    void remove(ListenerFlow flow) {
        flows.remove(flow.client(), flow);
    }

    private void expireIdle() {
        long now = System.nanoTime();
        for (ListenerFlow flow : new ArrayList<>(flows.values())) {
            if (flow.idleNanos(now) > idleTimeoutNanos) {
                flows.remove(flow.client());
                counters.flowExpired(settings.address());
                LOG.debug("[{}] udp flow from {} to '{}' idle for {} ms: ending it", router.routerId(),
                        LinkSession.format(flow.client()), settings.address(),
                        TimeUnit.NANOSECONDS.toMillis(flow.idleNanos(now)));
                flow.end();
            }
        }
    }

    /** Logs when the "no reachable connector" condition changes. Any thread. */
    void noteReachable(boolean nowReachable) {
        Boolean before = reachable.getAndSet(nowReachable);
        if (before != null && before == nowReachable) {
            return;
        }
        String where = server.where();
        if (!nowReachable) {
            LOG.warn("[{}] udp listener for '{}' on {}: no reachable connector; dropping datagrams of new clients "
                    + "until one appears", router.routerId(), settings.address(), where);
        } else if (before != null) {
            LOG.info("[{}] udp listener for '{}' on {}: a connector is reachable again", router.routerId(),
                    settings.address(), where);
        }
    }

    /** Stops receiving; a {@link #bind} still under way lets go of the port and throws. Idempotent. */
    void close() {
        server.close();
    }
}
