package io.vanrouter.transport.adaptor;

import io.netty.channel.Channel;
import io.vanrouter.transport.link.LinkSession;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * What the TCP, UDP and HTTP listeners hold alike once bound: the channel, the subscription to the connector
 * directory, and whether the listener was closed. {@link #close} may run on another thread while the listener is
 * still binding. It marks the listener closed before it looks at what is bound, and {@link #bound} looks at the mark
 * after it took what was bound: one of them sees the other, so a close during a bind leaves nothing bound.
 *
 * <p>Any thread.
 */
public final class ListenerChannel {
    private final Logger log;
    private final String routerId;
    private final String name;
    private volatile Channel channel;
    private volatile AutoCloseable subscription;
    private volatile boolean closed;

    /**
     * @param log      the listener's logger
     * @param routerId for log lines
     * @param name     the listener in log lines and errors, e.g. {@code udp listener for 'dns' on 0.0.0.0:53}
     */
    public ListenerChannel(Logger log, String routerId, String name) {
        this.log = log;
        this.routerId = routerId;
        this.name = name;
    }

    /**
     * Keeps {@code bound}, the channel the listener just bound, and subscribes with {@code subscribe}. Throws, having
     * let go of both, when the listener was closed meanwhile.
     */
    public void bound(Channel bound, Supplier<AutoCloseable> subscribe) throws IOException {
        channel = bound;
        subscription = subscribe.get();
        if (closed) { // close() came while binding and may have missed what was just bound
            close();
            throw new IOException(name + " closed while binding");
        }
    }

    /** The bound channel, or null while not bound. */
    public Channel channel() {
        return channel;
    }

    /** The bound address, or null while not bound. */
    public InetSocketAddress localAddress() {
        Channel bound = channel;
        return bound == null ? null : (InetSocketAddress) bound.localAddress();
    }

    /** The bound address for a log line, {@code ?} while not bound. */
    public String where() {
        Channel bound = channel;
        return bound == null ? "?" : LinkSession.format(bound.localAddress());
    }

    /** Unsubscribes and closes the channel, waiting for it; a bind still under way lets go of it. Idempotent. */
    public void close() {
        closed = true;
        AutoCloseable current = subscription;
        if (current != null) {
            try {
                current.close();
            } catch (Exception e) {
                log.debug("[{}] unsubscribing {}: {}", routerId, name, e.toString());
            }
        }
        Channel bound = channel;
        if (bound != null) {
            bound.close().awaitUninterruptibly();
        }
    }
}
