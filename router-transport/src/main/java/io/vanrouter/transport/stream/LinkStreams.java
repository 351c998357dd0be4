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
    private final Queue<LinkEnd> waitingWritable = new ConcurrentLinkedQueue<>();
    private final AtomicInteger nextId;
    private volatile boolean down;
    private volatile String downReason;

    LinkStreams(ActiveLink link) {
        this.link = link;
        this.nextId = new AtomicInteger(link.dialed() ? 1 : 2);
    }

    Channel channel() {
        return link.channel();
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

    /** Registers an end; false when the link is already down (the caller then fails the stream). */
    boolean register(LinkEnd end) {
        if (ends.putIfAbsent(end.id, end) != null) {
            return false;
        }
        if (down) {
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

    /** Queues {@code end} to be drained when the link is writable; wakes at once if it already is. */
    void awaitWritable(LinkEnd end) {
        waitingWritable.add(end);
        if (channel().isWritable()) {
            wakeWritable();
        }
    }

    /** Hands every waiting end back to its stream's loop, in the order they started waiting. */
    void wakeWritable() {
        LinkEnd end;
        while ((end = waitingWritable.poll()) != null) {
            LinkEnd waiting = end;
            waiting.stream.execute(waiting::onWritable);
        }
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
