package io.vanrouter.transport;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ThreadPerTaskExecutor;
import io.vanrouter.transport.netty.ControlLoopGroup;
import io.vanrouter.transport.netty.DnsResolvers;
import io.vanrouter.transport.netty.LoopLoad;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The threads a {@link TransportServer} runs on: the data event loops (chosen by load, {@link LoopLoad}), the one
 * control loop of every link ({@link ControlLoopGroup}) and the DNS resolvers on the data loops. A router alone in its
 * JVM builds its own and closes them with its transport; the routers of one JVM ({@code run --config a --config b})
 * share one set, so 100 edge routers in a process run on two or three threads instead of two hundred, and their
 * idle sockets and timers wake one epoll loop instead of one per router. Their owner closes them after the last
 * transport ({@link #close}).
 *
 * <p>Any thread. Several transports may use one instance at once.
 */
public final class TransportLoops implements AutoCloseable {
    private final String name;
    private final boolean epoll;
    private final LoopLoad load = new LoopLoad();
    private final EventLoopGroup group;
    private final EventLoopGroup controlGroup;
    private final EventLoop controlLoop;
    private final AddressResolverGroup<InetSocketAddress> resolvers;

    private TransportLoops(String name, int ioThreads, DnsSettings dns) {
        this.name = name;
        this.epoll = Epoll.isAvailable();
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(ioThreads,
                new ThreadPerTaskExecutor(new DefaultThreadFactory("vanrouter-" + name + "-io", true)), load,
                factory);
        this.controlGroup = new ControlLoopGroup(new DefaultThreadFactory("vanrouter-" + name + "-control", true),
                factory);
        this.controlLoop = controlGroup.next();
        this.resolvers = DnsResolvers.create(dns, epoll ? EpollDatagramChannel.class : NioDatagramChannel.class,
                socketChannelType());
    }

    /**
     * Loops named after {@code name} (a router id, or "shared"): {@code ioThreads} data loops, one control loop, and
     * resolvers that ask the name servers {@code dns} names.
     */
    public static TransportLoops create(String name, int ioThreads, DnsSettings dns) {
        if (ioThreads < 1) {
            throw new IllegalArgumentException("io threads " + ioThreads + " must be at least 1");
        }
        return new TransportLoops(name, ioThreads, dns);
    }

    public String name() {
        return name;
    }

    boolean epoll() {
        return epoll;
    }

    LoopLoad load() {
        return load;
    }

    EventLoopGroup group() {
        return group;
    }

    EventLoop controlLoop() {
        return controlLoop;
    }

    AddressResolverGroup<InetSocketAddress> resolvers() {
        return resolvers;
    }

    Class<? extends ServerChannel> serverChannelType() {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    Class<? extends SocketChannel> socketChannelType() {
        return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    Class<? extends DatagramChannel> datagramChannelType() {
        return epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
    }

    /** Closes the resolvers, then stops the loops (waiting up to twice {@code timeoutMillis}). Idempotent. */
    void close(long timeoutMillis) {
        resolvers.close();
        for (EventLoopGroup loops : List.of(group, controlGroup)) {
            loops.shutdownGracefully(0, timeoutMillis, TimeUnit.MILLISECONDS)
                    .awaitUninterruptibly(2 * timeoutMillis);
        }
    }

    /** Closes the resolvers and stops the loops; call after every transport on them has closed. */
    @Override
    public void close() {
        close(TransportServer.SHUTDOWN_TIMEOUT_MILLIS);
    }
}
