package io.vanrouter.daemon;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells systemd how the service is doing ({@code sd_notify(3)}) when the router runs as a {@code Type=notify} unit:
 * {@code READY=1} once it listens, {@code RELOADING=1} then {@code READY=1} around a reload, {@code STOPPING=1} when
 * it begins to shut down. systemd passes the socket in {@code NOTIFY_SOCKET}: a unix datagram socket, a path or, when
 * the name starts with {@code @}, one in the abstract namespace. Java 17 has no unix datagram sockets, so a message
 * goes out through Netty's epoll {@link EpollDomainDatagramChannel}, connected to the socket, on an event loop of its
 * own, made for the message and shut down after it: there are a handful of messages in a router's life.
 *
 * <p>Without {@code NOTIFY_SOCKET} (not under systemd, or not {@code Type=notify}) every method does nothing. A message
 * that cannot be sent is logged as a warning and never throws: the router runs on, and systemd reports the start as
 * timed out.
 *
 * <p>Any thread; each call blocks until its datagram is sent (milliseconds).
 */
public final class SystemdNotifier {
    /** Does nothing: for tests, and the demo's routers. */
    public static final SystemdNotifier NONE = new SystemdNotifier(null);

    private static final Logger LOG = LoggerFactory.getLogger("vanrouter.daemon");
    private static final long SEND_TIMEOUT_MILLIS = 5_000;

    /** The socket address as the kernel wants it (a leading NUL for the abstract namespace), or null when off. */
    private final String socketPath;

    private SystemdNotifier(String socketPath) {
        this.socketPath = socketPath;
    }

    /** From this process's {@code NOTIFY_SOCKET}; {@link #NONE} when it is unset or empty. */
    public static SystemdNotifier fromEnvironment() {
        return of(System.getenv("NOTIFY_SOCKET"));
    }

    /** For {@code notifySocket} as systemd writes it ({@code /run/systemd/notify} or {@code @name}); null is off. */
    public static SystemdNotifier of(String notifySocket) {
        if (notifySocket == null || notifySocket.isEmpty()) {
            return NONE;
        }
        return new SystemdNotifier(notifySocket.charAt(0) == '@' ? '\0' + notifySocket.substring(1) : notifySocket);
    }

    /** Whether messages go anywhere. */
    public boolean enabled() {
        return socketPath != null;
    }

    /** {@code READY=1}: the router listens; also ends a reload that {@link #reloading()} began. */
    public boolean ready() {
        return send("READY=1");
    }

    /** {@link #ready()} with a one-line {@code STATUS=} that {@code systemctl status} shows. */
    public boolean ready(String status) {
        return send("READY=1\nSTATUS=" + status.replace('\n', ' '));
    }

    /**
     * {@code RELOADING=1}: a reload of the configuration began; call {@link #ready()} when it is done, whether it
     * succeeded or was rejected. MONOTONIC_USEC (CLOCK_MONOTONIC, what {@link System#nanoTime()} reads on Linux) is
     * what systemd 253+ asks of {@code Type=notify-reload} services; older ones ignore it.
     */
    public boolean reloading() {
        return send("RELOADING=1\nMONOTONIC_USEC=" + TimeUnit.NANOSECONDS.toMicros(System.nanoTime()));
    }

    /** {@code STOPPING=1}: the router began its orderly shutdown. */
    public boolean stopping() {
        return send("STOPPING=1");
    }

    /** Sends {@code state} (newline-separated assignments); true when it went out, false when off or failed. */
    public boolean send(String state) {
        if (socketPath == null) {
            return false;
        }
        if (!Epoll.isAvailable()) {
            LOG.warn("cannot notify systemd ({}): Netty's epoll transport is not available: {}", firstLine(state),
                    Epoll.unavailabilityCause().toString());
            return false;
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("vanrouter-systemd", true),
                EpollIoHandler.newFactory());
        try {
            Channel channel = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
                    .handler(new ChannelInboundHandlerAdapter())
                    .connect(new DomainSocketAddress(socketPath)).sync().channel(); // Netty sends only when active
            try {
                ChannelFuture sent = channel.writeAndFlush(Unpooled.copiedBuffer(state, StandardCharsets.UTF_8));
                if (!sent.await(SEND_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException("not sent within " + SEND_TIMEOUT_MILLIS + " ms");
                }
                if (!sent.isSuccess()) {
                    warn(state, sent.cause());
                }
                return sent.isSuccess();
            } finally {
                channel.close().awaitUninterruptibly(SEND_TIMEOUT_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) { // Netty's sync() rethrows a checked cause unchecked
            warn(state, e);
            return false;
        } finally {
            group.shutdownGracefully(0, SEND_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS).awaitUninterruptibly();
        }
    }

    private void warn(String state, Throwable cause) {
        LOG.warn("cannot notify systemd ({}) at NOTIFY_SOCKET {}: {}", firstLine(state),
                socketPath.replace('\0', '@'), cause.toString());
    }

    private static String firstLine(String state) {
        int newline = state.indexOf('\n');
        return newline < 0 ? state : state.substring(0, newline);
    }
}
