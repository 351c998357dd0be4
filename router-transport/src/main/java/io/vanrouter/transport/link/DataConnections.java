package io.vanrouter.transport.link;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The data connections of one link (docs/protocol.md, section 5.1): extra TCP connections between the same two
 * routers that carry stream frames and messages, so that hellos, link state and address frames on the link itself
 * never wait behind bulk bytes, and so that each event loop has a connection of its own.
 *
 * <p>Any thread: copy-on-write, read lock-free by the data plane for every new stream.
 */
public final class DataConnections {
    private static final Channel[] NONE = new Channel[0];

    private final int agreed;
    private final AtomicInteger rotation = new AtomicInteger();
    private volatile Channel[] channels = NONE;
    private volatile int losses; // written under this
    private boolean closed; // guarded by this

    DataConnections(int agreed) {
        this.agreed = agreed;
    }

    /** How many data connections both ends of the link take: the smaller of the two HANDSHAKE offers. */
    public int agreed() {
        return agreed;
    }

    /** Adds a connection that completed its handshake; false when the link is gone or already has enough. */
    synchronized boolean attach(Channel channel) {
        if (closed || channels.length >= agreed) {
            return false;
        }
        Channel[] more = Arrays.copyOf(channels, channels.length + 1);
        more[channels.length] = channel;
        channels = more;
        return true;
    }

    /**
     * Where a data connection accepted on {@code current} should live: null to stay (no other connection of this link
     * is on {@code current}, or every loop has one already), else the first of {@code loops} without one. The acceptor
     * places new channels by load, not by link, so two of a link's connections can land on one loop while another
     * loop has none; streams on that loop would then change threads.
     */
    EventLoop homeFor(EventLoop current, List<EventLoop> loops) {
        Channel[] now = channels;
        if (!onLoop(now, current)) {
            return null;
        }
        for (EventLoop loop : loops) {
            if (!onLoop(now, loop)) {
                return loop;
            }
        }
        return null;
    }

    private static boolean onLoop(Channel[] channels, EventLoop loop) {
        for (Channel channel : channels) {
            if (channel.eventLoop() == loop) {
                return true;
            }
        }
        return false;
    }

    synchronized void detach(Channel channel) {
        Channel[] now = channels;
        int at = Arrays.asList(now).indexOf(channel);
        if (at < 0) {
            return;
        }
        Channel[] fewer = new Channel[now.length - 1];
        System.arraycopy(now, 0, fewer, 0, at);
        System.arraycopy(now, at + 1, fewer, at, now.length - at - 1);
        channels = fewer;
        losses++; // after the removal: a sender that reads the new count no longer picks this connection
    }

    /**
     * How many connections this link has lost so far while it stayed up. A sender of an acknowledged message notes it
     * when sending; a different count later means the copy or its answer may have been lost with a connection.
     */
    public int losses() {
        return losses;
    }

    /** The link went down: no more attachments; returns the connections to close. */
    synchronized List<Channel> closeAll() {
        closed = true;
        List<Channel> all = List.of(channels);
        channels = NONE;
        return all;
    }

    /**
     * The connection a new stream owned by {@code loop} should use: one on that very loop, so the stream never changes
     * threads; else the next open one in rotation; null when there is none (the stream then uses the link itself).
     */
    public Channel forLoop(EventLoop loop) {
        Channel[] now = channels;
        for (Channel channel : now) {
            if (channel.eventLoop() == loop && channel.isActive()) {
                return channel;
            }
        }
        for (int i = 0; i < now.length; i++) {
            Channel channel = now[Math.floorMod(rotation.getAndIncrement(), now.length)];
            if (channel.isActive()) {
                return channel;
            }
        }
        return null;
    }

    /**
     * This link's open connection on the calling thread's event loop, else null. Messages use it and fall back to
     * the link itself, never to a rotation: one publisher's messages then keep their order.
     */
    public Channel onCurrentLoop() {
        for (Channel channel : channels) {
            if (channel.eventLoop().inEventLoop() && channel.isActive()) {
                return channel;
            }
        }
        return null;
    }

    public List<Channel> all() {
        return List.of(channels);
    }

    public int count() {
        return channels.length;
    }
}
