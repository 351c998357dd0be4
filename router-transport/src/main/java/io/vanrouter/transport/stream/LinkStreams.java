package io.vanrouter.transport.stream;

import io.netty.channel.Channel;
import io.vanrouter.transport.link.ActiveLink;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The streams of one active link: its ends by stream id, the id allocator (odd ids when this router dialed the link,
 * even when it accepted) and the ends waiting for the link to become writable.
 *
 * <p>Any thread: ends are registered by their streams' loops and looked up by the link's loop.
 */
final class LinkStreams {
    final ActiveLink link;
    private final Map<Integer, LinkEnd> ends = new ConcurrentHashMap<>();
    /** Ends waiting for a connection of the link to become writable, one queue per connection. */
    private final Map<Channel, Queue<LinkEnd>> waitingWritable = new ConcurrentHashMap<>();
    private final AtomicInteger nextId;
    private volatile boolean down;
    private volatile String downReason;

    LinkStreams(ActiveLink link) {
        this.link = link;
        this.nextId = new AtomicInteger(link.dialed() ? 1 : 2);
    }

    /** The link's own connection (control frames; stream frames too when it has no data connections). */
    Channel channel() {
        return link.channel();
    }

    /**
     * The connection a new stream owned by {@code loop} uses for all its frames, both ways: a data connection on that
     * loop if there is one (no thread change per chunk), else another data connection, else the link itself.
     */
    Channel channelFor(io.netty.channel.EventLoop loop) {
        Channel data = link.data().forLoop(loop);
        return data != null ? data : link.channel();
    }

    /** Every connection of the link: the link itself and its data connections. */
    List<Channel> channels() {
        List<Channel> all = new ArrayList<>(link.data().all());
        all.add(0, link.channel());
        return all;
    }

    /** A fresh id of this router's parity; ids are not reused until the u32 space wraps (2^31 streams). */
    int allocateId() {
        int id = nextId.getAndAdd(2);
        while (id == 0) { // skip the reserved id after a wrap
            id = nextId.getAndAdd(2);
        }
        return id;
    }

    /** Whether {@code id} has the parity the peer must use for streams it opens. */
    boolean isPeerId(int id) {
        return ((id & 1) == 1) != link.dialed();
    }

    /**
     * Registers an end; false when the link or the end's connection is already down (the caller then fails the
     * stream). A connection is inactive before its close is handled, so an end registered after
     * {@link #markConnectionDown} collected its connection's ends sees it here.
     */
    boolean register(LinkEnd end) {
        if (ends.putIfAbsent(end.id, end) != null) {
            return false;
        }
        if (down || !end.channel().isActive()) {
            ends.remove(end.id, end);
            return false;
        }
        return true;
    }

    boolean contains(int id) {
        return ends.containsKey(id);
    }

    LinkEnd get(int id) {
        return ends.get(id);
    }

    void unregister(LinkEnd end) {
        ends.remove(end.id, end);
    }

    int size() {
        return ends.size();
    }

    /**
     * Queues {@code end} to be drained when its connection is writable; wakes at once if it already is (checked after
     * queueing, so a writability change in between is never missed).
     */
    void awaitWritable(LinkEnd end) {
        waitingWritable.computeIfAbsent(end.channel(), c -> new ConcurrentLinkedQueue<>()).add(end);
        if (end.channel().isWritable()) {
            wakeWritable(end.channel());
        }
    }

    /**
     * Hands every end waiting for {@code channel} back to its stream's loop, in the order they started waiting. Each
     * connection has its own queue: taking ends of other connections out and putting them back would hide them from
     * a wake-up for their own connection running meanwhile on its loop (a lost wake-up stalls a stream for good).
     */
    void wakeWritable(Channel channel) {
        Queue<LinkEnd> waiting = waitingWritable.get(channel);
        if (waiting == null) {
            return;
        }
        LinkEnd end;
        while ((end = waiting.poll()) != null) {
            LinkEnd woken = end;
            woken.stream.execute(woken::onWritable);
        }
    }

    /** A data connection closed: removes and returns the ends that used it. */
    List<LinkEnd> markConnectionDown(Channel channel) {
        List<LinkEnd> lost = new ArrayList<>();
        for (LinkEnd end : ends.values()) {
            if (end.channel() == channel && ends.remove(end.id, end)) {
                lost.add(end);
            }
        }
        waitingWritable.remove(channel);
        return lost;
    }

    /** Marks the link down and returns the ends registered so far; later registrations fail. */
    List<LinkEnd> markDown(String reason) {
        downReason = reason;
        down = true;
        List<LinkEnd> all = new ArrayList<>(ends.values());
        ends.clear();
        waitingWritable.clear();
        return all;
    }

    boolean isDown() {
        return down;
    }

    String downReason() {
        return downReason;
    }
}
