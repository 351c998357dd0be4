package io.vanrouter.transport.stream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.vanrouter.transport.netty.Errors;
import io.vanrouter.transport.netty.LoopLoad;
import io.vanrouter.transport.wire.StreamFrame;
import io.vanrouter.transport.wire.StreamResetCode;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One stream at this router: end {@code a} toward the listener side (the client socket, or the link the OPEN came
 * in on) and end {@code b} toward the connector side (a link, or the server socket). Bytes entering through one end
 * wait in the other end's pending queue until it has credit and is writable, are written in chunks of at most
 * {@link StreamLimits#DATA_CHUNK_BYTES_MAX}, and on write completion the entering end grants credit upstream or
 * reads more. END and RESET follow the same paths (docs/data-plane.md).
 *
 * <p>Owned by one event loop, {@link #loop}: the loop of the channel the stream entered on. Socket ends always live
 * on it; link ends may not, and hand their events over with {@link #execute}. Views read volatile fields.
 */
public final class Stream {
    /** This router's part in the stream. */
    public enum Role { LISTENER, TRANSIT, CONNECTOR }

    private enum State { OPENING, OPEN, CLOSED }

    final StreamRouter router;
    final EventLoop loop;
    private final long serial;
    private final Role role;
    private final String address;
    private final String origin;
    private final long createdNanos = System.nanoTime();
    private final StreamObserver observer;
    /** Counts the bytes this stream carries on its loop, so new channels go to idler loops. */
    private final LoopLoad.Meter meter;
    private volatile String destination;
    private volatile State state = State.OPENING;
    private volatile long bytesToConnector;
    private volatile long bytesToListener;
    private volatile long bufferedBytes;
    private boolean everOpened;
    /** Both directions run in the kernel (splice) while set and not stopped; see {@link #maybeSplice}. */
    private SpliceRelay relay;
    /** The stream turned out bulk or busy ({@link #countTowardSplice}): its hops were asked to move, once. */
    private boolean movesTried;
    /** Bytes that came in reads of at least {@link StreamLimits#BULK_READ_BYTES_MIN}: what makes a stream bulk. */
    private long bulkBytes;
    /** Reads of any size, both ways, until {@link #movesTried}: what makes a stream busy. */
    private long reads;
    private volatile boolean spliced;
    StreamEnd a;
    StreamEnd b;

    Stream(StreamRouter router, EventLoop loop, long serial, Role role, String address, String origin,
            String destination, StreamObserver observer) {
        this.router = router;
        this.loop = loop;
        this.serial = serial;
        this.role = role;
        this.address = address;
        this.origin = origin;
        this.destination = destination;
        this.observer = observer;
        this.meter = router.meter(loop);
    }

    /** The meter of the stream's loop: its bytes, and the loop's count of live streams (kept by the router). */
    LoopLoad.Meter meter() {
        return meter;
    }

    public String address() {
        return address;
    }

    public String origin() {
        return origin;
    }

    /** The connector side's router (for the listener side: of the current attempt). */
    public String destination() {
        return destination;
    }

    public Role role() {
        return role;
    }

    /** Runs {@code task} on the stream's loop: now if already there, else queued. Any thread. */
    public void execute(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    boolean isOpen() {
        return state == State.OPEN;
    }

    boolean isClosed() {
        return state == State.CLOSED;
    }

    /** The stream's bytes are being spliced: its ends neither read nor write. Stream's loop. */
    boolean splicing() {
        return relay != null;
    }

    void ends(StreamEnd listenerSide, StreamEnd connectorSide) {
        a = listenerSide;
        b = connectorSide;
        if (a != null && b != null) {
            a.peer = b;
            b.peer = a;
        }
    }

    /**
     * Listener side: attaches a new connector-side end toward {@code dest} (a link toward it, or the local connector)
     * and starts the attempt. False when there is no route or no local connector: try another destination.
     */
    public boolean openToward(String dest) {
        assert loop.inEventLoop();
        if (state != State.OPENING) {
            return false; // the client went away meanwhile
        }
        destination = dest;
        return router.attachConnectorSide(this, dest);
    }

    /** Aborts the stream from this router: RESET on links, RST on sockets. Any thread. */
    public void abort(StreamResetCode code, String text) {
        execute(() -> abortFrom(null, code, text));
    }

    void onData(StreamEnd from, ByteBuf buf) {
        if (state == State.CLOSED || from.peer == null || from.peer.released()) {
            buf.release(); // closed, or an attempt failed with no other connector left: the client gets a reset
            return;
        }
        int bytes = buf.readableBytes();
        meter.add(bytes);
        if (from == a) {
            bytesToConnector += bytes;
        } else {
            bytesToListener += bytes;
        }
        if (relay != null) {
            // Read by Netty after the splice was decided, before its channels left Netty: the relay writes it first.
            relay.prefix(from == a, buf);
            return;
        }
        StreamEnd to = from.peer;
        if (!movesTried) {
            countTowardSplice(bytes);
        }
        to.pending.add(buf);
        to.pendingBytes += bytes;
        drain(to);
    }

    /**
     * Writes what credit and writability allow, then END if due, then lets the source read more. Nothing moves
     * before the stream is open: bytes that arrive earlier are held (see {@link #abortFrom} for retries).
     */
    void drain(StreamEnd to) {
        if (state == State.CLOSED || to.released()) {
            return;
        }
        if (state != State.OPEN) {
            // Epoll reads a half-closed client even with AUTO_READ off (EPOLLRDHUP): hold those bytes here.
            updateBuffered();
            return;
        }
        while (to.pendingBytes > 0 && to.sendCredit > 0) {
            if (!to.canTransmit()) {
                to.awaitWritable();
                break;
            }
            ByteBuf head = to.pending.peek();
            int bytes = Math.min(Math.min(head.readableBytes(), to.sendCredit), StreamLimits.DATA_CHUNK_BYTES_MAX);
            ByteBuf chunk = bytes == head.readableBytes() ? to.pending.poll() : head.readRetainedSlice(bytes);
            to.pendingBytes -= bytes;
            to.sendCredit -= bytes;
            to.transmit(chunk, bytes);
        }
        if (to.pendingBytes == 0 && to.endQueued && !to.endSent && readyForEnd(to)) {
            to.endSent = true;
            to.transmitEnd();
        }
        updateBuffered();
        if (to.peer != null) {
            to.peer.maybeRead();
        }
        maybeSplice();
    }

    /**
     * Counts one read toward the splice thresholds: {@link StreamRouter#spliceAfterBytes()} in large reads (a bulk
     * stream) or {@link StreamRouter#spliceAfterReads()} reads of any size (a busy one) when its loop owns few streams
     * then ({@link StreamLimits#BUSY_SPLICE_LOOP_STREAMS_MAX}). Either moves the stream's hops to stream connections,
     * and splices it once every end can be.
     */
    private void countTowardSplice(int bytes) {
        long afterBytes = router.spliceAfterBytes();
        if (afterBytes <= 0) {
            return;
        }
        reads++;
        if (bytes >= StreamLimits.BULK_READ_BYTES_MIN) {
            bulkBytes += bytes;
        }
        long afterReads = router.spliceAfterReads();
        // Busy is decided once, at the threshold: a stream of a crowded loop stays framed (no splices at the tail of
        // a crowd, as its streams close one by one).
        boolean busy = afterReads > 0 && reads == afterReads
                && meter.streams() <= StreamLimits.BUSY_SPLICE_LOOP_STREAMS_MAX;
        if (bulkBytes >= afterBytes || busy) {
            movesTried = true;
            tryMoves();
        }
    }

    /**
     * A bulk or busy stream: asks each hop of this router that it dialed to move to a stream connection of its own
     * (docs/data-plane.md, section 7); the other hops are moved by the routers that dialed them.
     */
    private void tryMoves() {
        if (state != State.OPEN) {
            return;
        }
        if (a instanceof LinkEnd link) {
            link.tryMove();
        }
        if (b instanceof LinkEnd link) {
            link.tryMove();
        }
    }

    /**
     * Hands both directions to the kernel once each end is a plain socket or a stream connection with nothing pending
     * or in flight, and the stream turned out bulk or busy ({@link #movesTried}): from then on bytes go socket to pipe
     * to socket, never through the JVM.
     */
    private void maybeSplice() {
        if (relay != null || !movesTried || state != State.OPEN || a == null || b == null) {
            return;
        }
        io.netty.channel.Channel left = a.spliceChannel();
        io.netty.channel.Channel right = left == null ? null : b.spliceChannel();
        if (right == null || !SpliceRelay.supports(left, right)) {
            return;
        }
        relay = SpliceRelay.start(left, right, new SpliceRelay.Listener() {
            @Override
            public void spliced(boolean towardB, long bytes) {
                meter.add((int) Math.min(Integer.MAX_VALUE, bytes));
                if (towardB) {
                    bytesToConnector += bytes;
                } else {
                    bytesToListener += bytes;
                }
            }

            @Override
            public void sourceEnded(boolean towardB) {
                (towardB ? a : b).onSplicedInputEnd();
            }

            @Override
            public void finished() {
                relay = null;
                for (StreamEnd end : new StreamEnd[] {a, b}) {
                    end.inputEnded = true;
                    end.endQueued = true;
                    end.endSent = true;
                    end.endDone = true;
                }
                checkDone();
            }

            @Override
            public void failed(String why) {
                relay = null;
                abortAfterPendingFrames(why);
            }
        });
        if (relay != null) {
            a.spliceStarted();
            b.spliceStarted();
            spliced = true;
            router.streamSpliced();
        }
    }

    private static boolean readyForEnd(StreamEnd end) {
        return !(end instanceof SocketEnd) || end.canTransmit();
    }

    /**
     * Write completion. A failed write aborts the stream at once (ERROR in the log unless it is a socket error): the
     * bytes are gone, so every end is reset (no side may see an orderly end); waiting for the channel's own close or
     * the link's down event would leave the stream without credit if that event never came.
     */
    void onTransmitted(StreamEnd to, int bytes, io.netty.util.concurrent.Future<?> result) {
        if (!result.isSuccess()) {
            Throwable cause = result.cause();
            if (!(cause instanceof IOException)) { // ClosedChannelException is an IOException
                StreamRouter.LOG.error("[{}] stream {}: write of {} bytes to {} failed", router.routerId(), serial,
                        bytes, to.describe(), cause);
            }
            if (state != State.CLOSED && !to.released()) {
                abortFrom(null, StreamResetCode.ABORTED, "write of " + bytes + " bytes to " + to.describe()
                        + " failed: " + Errors.describe(cause));
            }
            return;
        }
        if (state == State.CLOSED || to.released()) {
            return;
        }
        to.onTransmitted(bytes);
        to.peer.onForwarded(bytes);
        drain(to);
    }

    void onInputEnd(StreamEnd from) {
        if (state == State.CLOSED || from.inputEnded) {
            return;
        }
        from.inputEnded = true;
        if (relay != null) {
            endSplicedDirection(from);
            return;
        }
        if (from.peer != null) {
            from.peer.endQueued = true;
            drain(from.peer);
        }
        checkDone();
    }

    /**
     * Spliced, the direction entering through {@code from} ended (its FIN read by the relay, and confirmed on the link
     * for a moved hop): the relay shuts the other end's output down, a moved hop confirms that FIN on its link, and
     * once both outputs are shut the relay hands the channels back and the stream finishes.
     */
    private void endSplicedDirection(StreamEnd from) {
        StreamEnd to = from.peer;
        SpliceRelay splice = relay;
        to.endQueued = true;
        to.endSent = true;
        splice.endSink(from == a);
        if (splice.stopped()) {
            return; // the shutdown failed: the relay reported it and the stream is aborting
        }
        to.onSplicedEndSent();
        to.endDone = true;
        splice.finishIfDone();
    }

    /** Bytes of the direction that entered through {@code from}, at this router so far (framed, raw and spliced). */
    long bytesIn(StreamEnd from) {
        return from == a ? bytesToConnector : bytesToListener;
    }

    /** Bytes of the direction that leaves through {@code to}, at this router so far. */
    long bytesOut(StreamEnd to) {
        return to == b ? bytesToConnector : bytesToListener;
    }

    void onEndDone(StreamEnd to) {
        to.endDone = true;
        checkDone();
    }

    private void checkDone() {
        if (state != State.CLOSED && b != null && a.inputEnded && b.inputEnded && a.endDone && b.endDone) {
            state = State.CLOSED;
            a.release(true);
            b.release(true);
            router.streamClosed(this, null, null);
            if (observer != null) {
                observer.closed(this);
            }
        }
    }

    /** The connector side is reached: OPENED from b's link, or the local server socket connected. */
    void onOpened(StreamEnd from) {
        if (state != State.OPENING || from != b) {
            protocolError(from, "unexpected STREAM_OPENED");
            return;
        }
        state = State.OPEN;
        everOpened = true;
        if (a instanceof LinkEnd upstream) {
            upstream.send(new StreamFrame.Opened(upstream.id));
        }
        router.streamOpened(this);
        if (observer != null) {
            observer.opened(this);
        }
        drain(a);
        drain(b);
    }

    /**
     * A stream connection failed (usually the RST of a peer that aborted): aborts after the events already read on
     * this loop, which often hold that peer's STREAM_RESET with the real reason; it wins if it comes first.
     */
    void abortAfterPendingFrames(String why) {
        loop.execute(() -> abortFrom(null, StreamResetCode.ABORTED, why));
    }

    /** A socket closed; unless the stream finished normally, that aborts it. */
    void onSocketClosed(SocketEnd end) {
        if (state != State.CLOSED && !end.released()) {
            abortFrom(end, StreamResetCode.ABORTED, end.describe() + " closed");
        }
    }

    /**
     * The peer behind {@code from} broke the stream protocol (docs/protocol.md §3.1): logged here, and the stream is
     * reset both ways with PROTOCOL_ERROR, the offending peer included; the link and its other streams carry on.
     */
    void protocolError(StreamEnd from, String text) {
        if (state == State.CLOSED) {
            return;
        }
        StreamRouter.LOG.warn("[{}] stream {} on {} reset: PROTOCOL_ERROR: {}", router.routerId(), serial,
                from.describe(), text);
        abortFrom(null, StreamResetCode.PROTOCOL_ERROR, text);
    }

    /**
     * Aborts both directions. {@code from} is the end that reported the failure (it gets no RESET back), or null.
     * Before OPENED a failure of the connector side goes to the observer first, which may retry elsewhere.
     */
    void abortFrom(StreamEnd from, StreamResetCode code, String text) {
        if (state == State.CLOSED) {
            return;
        }
        if (state == State.OPENING && from != null && from == b && observer != null && retry(code, text)) {
            return;
        }
        state = State.CLOSED;
        if (relay != null) {
            relay.stop(); // the sockets go back to Netty, to be reset and closed below
            relay = null;
        }
        for (StreamEnd end : new StreamEnd[] {a, b}) {
            if (end != null && end != from && !end.released()) {
                end.abort(code, text);
            }
        }
        if (a != null) {
            a.release(false);
        }
        if (b != null) {
            b.release(false);
        }
        router.streamClosed(this, code, text);
        if (observer != null) {
            observer.closed(this);
        }
    }

    /**
     * The connector side failed before OPENED: drops it and lets the observer attach another one. Bytes (and the
     * END) that the client sent meanwhile move to the new end, so a retry loses nothing. True when retrying.
     */
    private boolean retry(StreamResetCode code, String text) {
        StreamEnd failed = b;
        ArrayDeque<ByteBuf> held = new ArrayDeque<>(failed.pending);
        int heldBytes = failed.pendingBytes;
        boolean endHeld = failed.endQueued;
        failed.pending.clear();
        failed.pendingBytes = 0;
        failed.release(false);
        b = null;
        a.peer = null;
        if (observer.openFailed(this, code, text) && b != null) {
            b.pending.addAll(held);
            b.pendingBytes = heldBytes;
            b.endQueued = endHeld;
            return true;
        }
        held.forEach(ByteBuf::release);
        return false;
    }

    private void updateBuffered() {
        long buffered = 0;
        for (StreamEnd end : new StreamEnd[] {a, b}) {
            if (end != null) {
                buffered += end.pendingBytes;
                if (end instanceof SocketEnd || end instanceof AdaptorEnd) { // written, not yet completed
                    buffered += StreamLimits.INITIAL_WINDOW_BYTES - end.sendCredit;
                }
            }
        }
        bufferedBytes = buffered;
    }

    /** Any thread. */
    public StreamView view(long nowNanos) {
        StreamEnd listenerSide = a;
        StreamEnd connectorSide = b;
        String ends = (listenerSide == null ? "-" : listenerSide.describe()) + (spliced ? " <=splice=> " : " <-> ")
                + (connectorSide == null ? "-" : connectorSide.describe());
        return new StreamView(serial, role.name().toLowerCase(Locale.ROOT), address, origin, destination,
                state.name().toLowerCase(Locale.ROOT), bytesToConnector, bytesToListener, bufferedBytes,
                TimeUnit.NANOSECONDS.toMillis(nowNanos - createdNanos), ends);
    }

    long serial() {
        return serial;
    }

    /** Adds this finished stream's bytes to {@code totals}; stream's loop, once. */
    void addTotals(StreamTotals totals) {
        totals.add(address, role.name().toLowerCase(Locale.ROOT), bytesToConnector, bytesToListener);
    }

    /** This finished stream for the flow log; stream's loop. */
    StreamFlow flow(StreamResetCode code, String text) {
        StreamEnd socketSide = role == Role.LISTENER ? a : b;
        StreamEnd linkSide = role == Role.LISTENER ? b : a;
        String nextHop = linkSide instanceof LinkEnd link ? link.peerId() : null;
        return new StreamFlow(role.name().toLowerCase(Locale.ROOT), address, origin, destination, nextHop,
                socketSide == null ? null : socketSide.describe(), everOpened, bytesToConnector, bytesToListener,
                System.nanoTime() - createdNanos, code == null ? "normal" : code.name().toLowerCase(Locale.ROOT),
                text);
    }
}
