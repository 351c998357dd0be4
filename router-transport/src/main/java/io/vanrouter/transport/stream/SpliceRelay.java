package io.vanrouter.transport.stream;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.epoll.Native;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.Socket;
import io.netty.util.concurrent.Future;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.NotYetConnectedException;
import java.util.ArrayDeque;

/**
 * Relays both directions between two epoll TCP sockets with splice(2), socket to pipe to socket: the bytes never
 * enter the JVM. The two channels leave Netty's event loop registration for the time of the relay (their pipelines
 * see nothing) and the relay registers their file descriptors on the same loop itself, level-triggered. A FIN read
 * on one side, once the pipe is empty, goes to the {@link Listener}, not on to the other side: a FIN on a stream
 * connection is the end of its direction only once the link confirms it (a killed router's kernel sends one too), so
 * the stream decides, and shuts the other side's output down through {@link #endSink}. When both outputs are shut,
 * or on the first error, the channels are registered with Netty again and the listener is told.
 *
 * <p>Owned by the loop both channels live on; every method runs there.
 */
final class SpliceRelay {
    /** What the relay reports to its stream; on the loop. */
    interface Listener {
        /** {@code bytes} moved from a to b ({@code towardB}) or from b to a. */
        void spliced(boolean towardB, long bytes);

        /**
         * The source of the direction toward b ({@code towardB}) or toward a sent FIN, and everything it sent before
         * went out: the direction may end ({@link #endSink}). After every {@link #spliced} of that direction.
         */
        void sourceEnded(boolean towardB);

        /** Both outputs were shut down ({@link #endSink}) and the channels are back with Netty. */
        void finished();

        /** A socket failed; the relay is stopped and the channels are back with Netty. */
        void failed(String why);
    }

    /** Bytes asked of one splice call; the pipe takes at most its capacity (64 KiB by default) anyway. */
    private static final int SPLICE_BYTES = 1 << 20;
    /**
     * A splice from the source that moved less than this ends the event's rounds once the pipe is written out: the
     * source most likely holds no more, and the level-triggered registration reports it again if it does. For a
     * stream of small requests this saves a third splice call per request and hop, one that would only find EAGAIN.
     */
    private static final int SHORT_SPLICE_BYTES = 16 << 10;
    /**
     * Splice calls per readiness event for one direction (up to 256 KiB with the default pipe), so one bulk stream
     * cannot hold its loop for long. An event that uses them all ends with a yield of the CPU (see {@link #pump}).
     */
    private static final int ROUNDS_PER_EVENT = 4;

    private final EventLoop loop;
    private final AbstractEpollStreamChannel a;
    private final AbstractEpollStreamChannel b;
    private final Listener listener;
    private Direction towardB;
    private Direction towardA;
    private Side sideA;
    private Side sideB;
    private boolean stopped;

    private SpliceRelay(EventLoop loop, AbstractEpollStreamChannel a, AbstractEpollStreamChannel b,
            Listener listener) {
        this.loop = loop;
        this.a = a;
        this.b = b;
        this.listener = listener;
    }

    /** Whether two channels can be spliced: epoll TCP sockets on one loop that is also an IoEventLoop. */
    static boolean supports(Channel a, Channel b) {
        return a instanceof AbstractEpollStreamChannel && b instanceof AbstractEpollStreamChannel
                && a.eventLoop() == b.eventLoop() && a.eventLoop() instanceof IoEventLoop
                && a.isActive() && b.isActive();
    }

    /**
     * Starts relaying; the caller guarantees that nothing is pending or in flight on either channel. Null when no pipe
     * could be made (out of descriptors): the stream then goes on through the JVM.
     */
    static SpliceRelay start(Channel a, Channel b, Listener listener) {
        SpliceRelay relay = new SpliceRelay(a.eventLoop(), (AbstractEpollStreamChannel) a,
                (AbstractEpollStreamChannel) b, listener);
        try {
            relay.towardB = relay.new Direction(relay.a.fd(), relay.b.fd(), true);
            relay.towardA = relay.new Direction(relay.b.fd(), relay.a.fd(), false);
        } catch (IOException e) {
            if (relay.towardB != null) {
                relay.towardB.closePipe();
            }
            return null;
        }
        relay.deregisterThenRun();
        return relay;
    }

    /**
     * Bytes Netty read from a ({@code fromA}) or b after the splice was decided and before the sockets left it: they
     * go out first, ahead of anything spliced. Takes ownership.
     */
    void prefix(boolean fromA, ByteBuf bytes) {
        if (stopped) {
            bytes.release();
            return;
        }
        (fromA ? towardB : towardA).prefix.add(bytes);
    }

    private void deregisterThenRun() {
        a.deregister().addListener(f -> b.deregister().addListener(g -> {
            if (stopped) {
                reregister();
                return;
            }
            if (!f.isSuccess() || !g.isSuccess() || !a.isOpen() || !b.isOpen()) {
                fail("could not take the sockets over for splicing");
                return;
            }
            sideA = new Side(a.fd(), towardB, towardA);
            sideB = new Side(b.fd(), towardA, towardB);
            register(sideA, () -> register(sideB, this::updateInterest));
        }));
    }

    private void register(Side side, Runnable then) {
        Future<IoRegistration> registered = ((IoEventLoop) loop).register(side);
        registered.addListener(f -> {
            if (!f.isSuccess()) {
                fail("could not register a socket for splicing: " + f.cause());
            } else if (stopped) {
                ((IoRegistration) f.getNow()).cancel();
            } else {
                side.registration = registered.getNow();
                then.run();
            }
        });
    }

    /** Stops without telling the listener (its stream is closing); the channels go back to Netty. Idempotent. */
    void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        teardown();
    }

    boolean stopped() {
        return stopped;
    }

    /**
     * Ends the direction toward b ({@code towardB}) or toward a: shuts its sink's output down (FIN). Only after that
     * direction's {@link Listener#sourceEnded}, so its pipe is empty. A failure stops the relay and is reported.
     */
    void endSink(boolean towardB) {
        Direction direction = towardB ? this.towardB : towardA;
        if (stopped || direction.sinkShut) {
            return;
        }
        direction.sinkShut = true;
        try {
            direction.shutdownSink();
        } catch (IOException | RuntimeException e) {
            fail("could not end the spliced direction: " + e);
        }
    }

    /** Finishes once both outputs are shut: the channels go back to Netty and the listener hears of it. */
    void finishIfDone() {
        if (!stopped && towardB.sinkShut && towardA.sinkShut) {
            finish();
        }
    }

    private void fail(String why) {
        if (stopped) {
            return;
        }
        stopped = true;
        teardown();
        listener.failed(why);
    }

    private void finish() {
        stopped = true;
        teardown();
        listener.finished();
    }

    private void teardown() {
        for (Side side : new Side[] {sideA, sideB}) {
            if (side != null && side.registration != null) {
                side.registration.cancel();
            }
        }
        for (Direction direction : new Direction[] {towardB, towardA}) {
            if (direction != null) {
                direction.closePipe();
            }
        }
        reregister();
    }

    private void reregister() {
        for (AbstractEpollStreamChannel channel : new AbstractEpollStreamChannel[] {a, b}) {
            if (!channel.isRegistered() && channel.isOpen()) {
                loop.register(channel);
            }
        }
    }

    private void updateInterest() {
        if (!stopped) {
            sideA.updateInterest();
            sideB.updateInterest();
        }
    }

    /** One direction: source socket, pipe, sink socket. */
    private final class Direction {
        private final FileDescriptor source;
        private final FileDescriptor sink;
        private final boolean towardSideB;
        private final FileDescriptor pipeOut;
        private final FileDescriptor pipeIn;
        private long inPipe;
        /** Bytes to write before anything spliced (see {@link #prefix}). */
        private final ArrayDeque<ByteBuf> prefix = new ArrayDeque<>();
        private boolean sourceHungUp;
        /** The sink's output is waiting for room: read no more until the pipe is empty. */
        private boolean blocked;
        /** The source sent FIN and the pipe is empty: nothing more to move. */
        private boolean ended;
        /** {@link Listener#sourceEnded} was called for {@link #ended}. */
        private boolean endReported;
        /** The sink's output is shut down ({@link #endSink}). */
        private boolean sinkShut;

        Direction(FileDescriptor source, FileDescriptor sink, boolean towardSideB) throws IOException {
            this.source = source;
            this.sink = sink;
            this.towardSideB = towardSideB;
            FileDescriptor[] pipe = FileDescriptor.pipe();
            this.pipeOut = pipe[0];
            this.pipeIn = pipe[1];
        }

        boolean wantsInput() {
            return !ended && !blocked;
        }

        boolean hasPrefix() {
            return !prefix.isEmpty();
        }

        /** Moves what can move now, a bounded number of rounds. */
        void pump() throws IOException {
            long moved = 0;
            try {
                if (!writePrefix()) {
                    blocked = true;
                    return;
                }
                int round = 0;
                for (; round < ROUNDS_PER_EVENT && !ended; round++) {
                    if (inPipe > 0) {
                        int out = Native.splice(pipeOut.intValue(), -1, sink.intValue(), -1, inPipe);
                        inPipe -= out;
                        moved += out;
                        if (inPipe > 0) {
                            blocked = true;
                            return;
                        }
                    }
                    blocked = false;
                    int in = Native.splice(source.intValue(), -1, pipeIn.intValue(), -1, SPLICE_BYTES);
                    if (in == 0) {
                        // Nothing to read (EAGAIN) or the end: after a hang-up, with the pipe empty, it is the end.
                        if (sourceHungUp) {
                            ended = true; // reported by the event handler, after this pump's byte count
                        }
                        return;
                    }
                    inPipe += in;
                    if (in < SHORT_SPLICE_BYTES) {
                        break; // the source is most likely drained: no splice that only finds EAGAIN (see below)
                    }
                }
                // Out of rounds, or a short read: what the last round read must still go out now. The source may hold
                // nothing more, and then no event would come to move it (a stream that stalls with bytes in a pipe).
                if (inPipe > 0 && !ended) {
                    int out = Native.splice(pipeOut.intValue(), -1, sink.intValue(), -1, inPipe);
                    inPipe -= out;
                    moved += out;
                    blocked = inPipe > 0;
                }
                if (round == ROUNDS_PER_EVENT) {
                    // A bulk stream that always has more is never made to sleep, so on a busy core it would keep the
                    // CPU for a whole scheduler slice while the woken threads of interactive streams (this router's,
                    // its peers', their clients' and servers') wait behind it. sched_yield lets them in after each
                    // 256 KiB: one client's PINGs beside bulk had a median p99 of 0.34 ms instead of 0.76, for an
                    // eighth of one bulk stream's rate (docs/benchmarks.md, "Session 25").
                    Thread.yield();
                }
            } finally {
                if (moved > 0) {
                    listener.spliced(towardSideB, moved);
                }
            }
        }

        /** Shuts the sink's output. A sink already gone (reset by its peer: ENOTCONN) needs none; its error follows. */
        private void shutdownSink() throws IOException {
            try {
                ((Socket) sink).shutdown(false, true);
            } catch (NotYetConnectedException gone) {
                // the other direction reports the failure, if it has anything left to move
            }
        }

        /** Writes the prefix; false when the sink is full before it is all out. */
        private boolean writePrefix() throws IOException {
            ByteBuf head;
            while ((head = prefix.peek()) != null) {
                ByteBuffer nio = head.nioBuffer();
                int written = sink.write(nio, nio.position(), nio.limit());
                head.skipBytes(written);
                if (head.isReadable()) {
                    return false;
                }
                prefix.poll().release();
            }
            return true;
        }

        void closePipe() {
            ByteBuf head;
            while ((head = prefix.poll()) != null) {
                head.release();
            }
            try {
                pipeOut.close();
            } catch (IOException ignored) {
                // closing a pipe we own cannot fail in a way that matters
            }
            try {
                pipeIn.close();
            } catch (IOException ignored) {
                // as above
            }
        }
    }

    /** One socket's registration: the source of one direction and the sink of the other. */
    private final class Side implements EpollIoHandle {
        private final FileDescriptor fd;
        private final Direction reading;
        private final Direction writing;
        private IoRegistration registration;
        private int interest = -1;

        Side(FileDescriptor fd, Direction reading, Direction writing) {
            this.fd = fd;
            this.reading = reading;
            this.writing = writing;
        }

        @Override
        public FileDescriptor fd() {
            return fd;
        }

        void updateInterest() {
            // Level-triggered, so only what is wanted now: a hung-up source would otherwise be reported over and over
            // while its direction waits for room or has ended. Nothing wanted is EPOLLET alone (an interest of 0
            // would take the descriptor out of epoll for good, by Netty's rule): errors still get through once.
            int ops = 0;
            if (reading.wantsInput()) {
                ops |= Native.EPOLLIN | Native.EPOLLRDHUP;
            }
            if (writing.blocked || writing.hasPrefix()) {
                ops |= Native.EPOLLOUT;
            }
            if (ops == 0) {
                ops = Native.EPOLLET;
            }
            if (ops != interest && registration != null && registration.isValid()) {
                interest = ops;
                registration.submit(EpollIoOps.valueOf(ops));
            }
        }

        @Override
        public void handle(IoRegistration reg, IoEvent event) {
            if (stopped) {
                return;
            }
            EpollIoOps ops = ((EpollIoEvent) event).ops();
            try {
                if (ops.contains(EpollIoOps.EPOLLRDHUP)) {
                    reading.sourceHungUp = true;
                }
                if (ops.contains(EpollIoOps.EPOLLOUT) || ops.contains(EpollIoOps.EPOLLERR)) {
                    writing.pump(); // room again: empties the pipe, then reads that direction's source on
                }
                if (ops.contains(EpollIoOps.EPOLLIN) || ops.contains(EpollIoOps.EPOLLRDHUP)
                        || ops.contains(EpollIoOps.EPOLLERR)) {
                    reading.pump();
                }
            } catch (IOException | RuntimeException e) {
                // Nothing may escape to the event loop: Netty would log it and pause the whole loop for a second.
                fail("splice failed: " + e);
                return;
            }
            for (Direction direction : new Direction[] {reading, writing}) {
                if (direction.ended && !direction.endReported) {
                    direction.endReported = true;
                    listener.sourceEnded(direction.towardSideB); // may end the relay (endSink, finishIfDone)
                    if (stopped) {
                        return;
                    }
                }
            }
            SpliceRelay.this.updateInterest();
        }

        @Override
        public void close() {
            // the relay owns no descriptor but its pipes; the sockets belong to their channels
        }
    }
}
