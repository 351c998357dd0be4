package io.vanrouter.transport.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.vanrouter.transport.link.StreamConnectionObserver;
import io.vanrouter.transport.netty.AbortiveClose;
import io.vanrouter.transport.netty.HandlerNames;
import io.vanrouter.transport.wire.StreamFrame;
import io.vanrouter.transport.wire.StreamResetCode;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * A stream end on an inter-router link: stream {@link #id} of that link. Sends DATA within the peer's credit and
 * grants the peer credit (STREAM_WINDOW) as the bytes it sent are written onward.
 *
 * <p>Owned by the stream's loop, which is its connection's loop when the link has a data connection on that loop, and
 * may differ otherwise: frames arrive through {@link #onFrame} on the stream's loop; writes go to the connection from
 * the stream's loop (Netty queues them in order).
 */
final class LinkEnd extends StreamEnd {
    /** How long an aborted stream's stream connection waits for the peer to close it (see {@link #abort}). */
    static final long RESET_LINGER_MILLIS = 2_000;

    final LinkStreams links;
    final int id;
    /** The connection every frame of this stream on this hop uses, both ways: the link or one of its data ones. */
    private final Channel channel;
    /** Bytes the peer may still send on this hop before we grant more. */
    private int recvCredit;
    /** Bytes passed on since the last STREAM_WINDOW. */
    private int grantPending;
    private boolean waitingWritable;
    /**
     * The hop's stream connection once this stream started moving to it (docs/protocol.md, section 5.3), else null:
     * this end's outbound direction goes there after {@link #outMoved}, its inbound direction comes from there after
     * {@link #inMoved}.
     */
    private Channel raw;
    /** The raw connection is answered and its pipeline ready for bytes (dialer: the peer's answer came). */
    private boolean rawReady;
    /** This router sent STREAM_MOVED: its bytes (and FIN) go on {@link #raw}; sendCredit is a local write credit. */
    private boolean outMoved;
    /** The peer's STREAM_MOVED arrived: its bytes come from {@link #raw}. */
    private boolean inMoved;
    /** A stream connection was tried for this end (one try per stream and hop). */
    private boolean moveTried;
    private boolean rawReadRequested;
    /** Raw bytes (and FIN) read before the peer's STREAM_MOVED, delivered after it. */
    private final ArrayDeque<ByteBuf> rawHeld = new ArrayDeque<>();
    private boolean rawEndHeld;
    /** The stream connection failed or was refused: a STREAM_MOVED that still comes cannot be followed. */
    private boolean rawFailed;
    /** {@link #abort} closes the stream connection with RST once its RESET frame is written. */
    private boolean resetting;
    /** The peer reset the stream (STREAM_RESET came): it has aborted already, so the RST can go at once. */
    private boolean peerReset;

    LinkEnd(Stream stream, LinkStreams links, int id, int window, Channel channel) {
        super(stream, window);
        this.links = links;
        this.id = id;
        this.channel = channel;
        this.recvCredit = window;
    }

    Channel channel() {
        return channel;
    }

    /** Writes a control frame for this stream and flushes (the link consolidates flushes). */
    void send(StreamFrame frame) {
        channel().writeAndFlush(frame, channel().voidPromise());
    }

    @Override
    boolean canTransmit() {
        return outMoved ? raw.isActive() : channel().isWritable();
    }

    @Override
    void transmit(ByteBuf chunk, int bytes) {
        if (outMoved) {
            // On the stream's loop, like a socket: the local credit comes back when the write completes.
            raw.writeAndFlush(chunk).addListener(f -> {
                if (f.isSuccess()) {
                    sendCredit += bytes;
                }
                stream.onTransmitted(this, bytes, f);
            });
            return;
        }
        ChannelFuture future = channel().writeAndFlush(new StreamFrame.Data(id, chunk));
        future.addListener(f -> stream.execute(() -> stream.onTransmitted(this, bytes, f)));
    }

    @Override
    void transmitEnd() {
        if (outMoved) {
            shutdownRawOutput();
            return;
        }
        send(new StreamFrame.End(id));
        stream.onEndDone(this);
    }

    /** FIN on the stream connection once every queued write completed (shutdownOutput fails pending writes). */
    private void shutdownRawOutput() {
        raw.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
            if (f.isSuccess() && raw instanceof DuplexChannel duplex) {
                duplex.shutdownOutput().addListener(g -> stream.onEndDone(this));
            } else {
                stream.onEndDone(this);
            }
        });
    }

    @Override
    void abort(StreamResetCode code, String text) {
        if (raw == null) {
            send(StreamFrame.Reset.of(id, code, text));
            return;
        }
        // The peer learns of the abort from the RESET frame, with its reason; the stream connection stays open (and
        // silent) until the peer closes it on that RESET, or RESET_LINGER_MILLIS at most. Closing it at once would
        // race the frame: a peer that read the RST first would report ABORTED instead of the real cause.
        resetting = true;
        send(StreamFrame.Reset.of(id, code, text));
        closeRawLater();
    }

    private void closeRawLater() {
        Channel moved = raw;
        moved.eventLoop().schedule(() -> closeWithReset(moved), RESET_LINGER_MILLIS, TimeUnit.MILLISECONDS);
    }

    private static void closeWithReset(Channel moved) {
        AbortiveClose.arm(moved);
        moved.close();
    }

    @Override
    void awaitWritable() {
        if (outMoved) {
            return; // local credit returns on write completion, which drains this end
        }
        if (!waitingWritable) {
            waitingWritable = true;
            links.awaitWritable(this);
        }
    }

    /** The link became writable: stream's loop. */
    void onWritable() {
        waitingWritable = false;
        stream.drain(this);
    }

    @Override
    void onForwarded(int bytes) {
        if (inMoved) {
            maybeRead();
            return;
        }
        if (inputEnded) {
            return; // the peer sends no more: credit would be wasted
        }
        grantPending += bytes;
        if (grantPending >= StreamLimits.WINDOW_UPDATE_BYTES_MIN) {
            recvCredit += grantPending;
            send(new StreamFrame.Window(id, grantPending));
            grantPending = 0;
        }
    }

    /** A frame for this stream from the link; stream's loop; takes ownership of DATA. */
    void onFrame(StreamFrame frame) {
        if (released()) {
            ReferenceCountUtil.release(frame);
        } else if (frame instanceof StreamFrame.Data data) {
            int bytes = data.content().readableBytes();
            if (bytes > recvCredit || inputEnded || inMoved) {
                data.release();
                stream.protocolError(this, inMoved ? "STREAM_DATA after STREAM_MOVED" : inputEnded
                        ? "data after end" : bytes + " bytes beyond window " + recvCredit);
                return;
            }
            recvCredit -= bytes;
            stream.onData(this, data.content());
        } else if (frame instanceof StreamFrame.Window window) {
            if (outMoved) {
                return; // credit for frames sent before the move; the stream connection needs none
            }
            if (window.bytes() > Integer.MAX_VALUE - sendCredit) {
                // Credit is an int, as in HTTP/2: a grant past 2^31 - 1 would wrap it negative and stall the stream.
                stream.protocolError(this, "window grant of " + window.bytes() + " bytes overflows credit "
                        + sendCredit);
                return;
            }
            sendCredit += window.bytes();
            stream.drain(this);
        } else if (frame instanceof StreamFrame.End) {
            if (inMoved) {
                stream.protocolError(this, "STREAM_END after STREAM_MOVED");
                return;
            }
            stream.onInputEnd(this);
        } else if (frame instanceof StreamFrame.Moved) {
            onPeerMoved();
        } else if (frame instanceof StreamFrame.Reset reset) {
            peerReset = true;
            StreamResetCode code = StreamResetCode.fromCode(reset.reasonCode());
            if (code == StreamResetCode.PROTOCOL_ERROR) { // the peer says this router broke the protocol
                StreamRouter.LOG.warn("[{}] stream {} on {} reset by the peer: PROTOCOL_ERROR: {}",
                        stream.router.routerId(), stream.serial(), describe(), reset.text());
            }
            stream.abortFrom(this, code == null ? StreamResetCode.ABORTED : code, reset.text());
        } else if (frame instanceof StreamFrame.Opened) {
            stream.onOpened(this);
        }
    }

    @Override
    void close(boolean graceful) {
        links.unregister(this);
        ByteBuf held;
        while ((held = rawHeld.poll()) != null) {
            held.release();
        }
        if (raw == null || resetting) {
            return; // abort() closes it
        }
        if (graceful) {
            raw.close(); // both directions ended: FIN went both ways already
        } else if (peerReset) {
            closeWithReset(raw); // never a FIN: that would read as the end of a direction
        } else {
            // This end reported the failure (its link or connection went down): the peer learns of it the same way,
            // with the same cause, unless an RST here beats it to that.
            closeRawLater();
        }
    }

    @Override
    String describe() {
        return "link L" + links.link.linkId() + " (" + links.link.peerId() + ") #" + Integer.toUnsignedString(id)
                + (raw != null && outMoved && inMoved ? " moved" : channel == links.channel() ? "" : " data");
    }

    // ---- Moving to a stream connection (docs/protocol.md, section 5.3; docs/data-plane.md, section 7) ----

    /**
     * Dialer of the link: tries once to move this hop of a bulk stream to a stream connection of its own. The stream
     * stays on frames until the peer's STREAM_MOVED arrives, and for good if the connection fails before that.
     */
    void tryMove() {
        if (moveTried || !links.link.dialed() || !links.link.streamConnections() || inputEnded || endQueued) {
            return;
        }
        moveTried = true;
        links.link.dialStreamConnection(id, stream.loop, new StreamConnectionObserver() {
            @Override
            public ChannelHandler answered(Channel channel) {
                return onRawAnswered(channel);
            }

            @Override
            public void failed(String why) {
                stream.execute(() -> onRawFailedEarly(why));
            }
        });
    }

    boolean moveTried() {
        return moveTried;
    }

    /** Dialer: the peer answered; the connection is on the stream's loop (it was dialed there). */
    private ChannelHandler onRawAnswered(Channel channel) {
        RawEndHandler handler = new RawEndHandler(this);
        if (released() || stream.isClosed()) {
            channel.eventLoop().execute(channel::close);
            return handler;
        }
        raw = channel;
        rawReady = true;
        maybeSwitchOutbound();
        return handler;
    }

    /** Dialer: the connection failed or was refused before the answer: the stream goes on with frames. */
    private void onRawFailedEarly(String why) {
        rawFailed = true;
        if (released() || stream.isClosed()) {
            return;
        }
        if (inMoved || outMoved) {
            // The peer took the connection (its STREAM_MOVED came) and its bytes now go there: they are lost.
            stream.abortAfterPendingFrames("stream connection of " + describe() + ": " + why);
            return;
        }
        StreamRouter.LOG.debug("[{}] stream {} stays on {}: {}", stream.router.routerId(), stream.serial(),
                describe(), why);
    }

    /**
     * Listener of the link: the peer's stream connection for this stream, admitted, on the stream's loop. Taken when
     * the stream is open and neither direction has ended here; otherwise closed, which tells the dialer to stay on
     * frames. Taking it sends STREAM_MOVED: this router's bytes go raw from now on.
     */
    void acceptRaw(Channel channel) {
        if (raw != null || released() || !stream.isOpen() || inputEnded || endQueued || endSent) {
            channel.close();
            return;
        }
        raw = channel;
        rawReady = true;
        channel.pipeline().addBefore(HandlerNames.EXCEPTIONS,
                HandlerNames.SOCKET_END, new RawEndHandler(this));
        switchOutbound();
    }

    /** Dialer: switches once both the answer and the peer's STREAM_MOVED (its acceptance) are in. */
    private void maybeSwitchOutbound() {
        if (rawReady && inMoved && !outMoved) {
            switchOutbound();
        }
    }

    private void switchOutbound() {
        send(new StreamFrame.Moved(id));
        outMoved = true;
        sendCredit = StreamLimits.INITIAL_WINDOW_BYTES;
        if (endSent) {
            shutdownRawOutput(); // END already went as a frame; the raw direction carries nothing
        }
        stream.drain(this);
        deliverHeld();
    }

    /** The peer's STREAM_MOVED: legal after this router dialed a stream connection for it, or accepted one. */
    private void onPeerMoved() {
        boolean dialer = links.link.dialed();
        if (inMoved || (dialer ? !moveTried : raw == null || !outMoved)) {
            stream.protocolError(this, inMoved ? "second STREAM_MOVED" : "STREAM_MOVED without a stream connection");
            return;
        }
        inMoved = true;
        if (rawFailed) { // the peer took a connection that then failed here: its bytes are gone
            stream.abortAfterPendingFrames("stream connection of " + describe() + " failed before the switch");
            return;
        }
        if (dialer) {
            maybeSwitchOutbound();
        }
        deliverHeld();
    }

    /** Raw bytes and FIN read before both the peer's STREAM_MOVED and the answer are in go to the stream now. */
    private void deliverHeld() {
        if (!inMoved || !rawReady || released()) {
            return;
        }
        ByteBuf held;
        while ((held = rawHeld.poll()) != null) {
            stream.onData(this, held);
        }
        if (rawEndHeld) {
            rawEndHeld = false;
            stream.onInputEnd(this);
        }
        maybeRead();
    }

    /** A read from the stream connection (RawEndHandler); stream's loop. */
    void onRawData(ByteBuf buf) {
        if (released()) {
            buf.release();
        } else if (!inMoved || !rawReady || !rawHeld.isEmpty()) {
            rawHeld.add(buf);
        } else {
            stream.onData(this, buf);
        }
    }

    void onRawReadComplete() {
        rawReadRequested = false;
        maybeRead();
    }

    void onRawInputEnd() {
        if (!inMoved || !rawReady) {
            rawEndHeld = true;
        } else {
            stream.onInputEnd(this);
        }
    }

    /** The stream connection failed or closed: after the move that aborts the stream, before it changes nothing. */
    void onRawClosed(String why) {
        if (released() || stream.isClosed()) {
            return;
        }
        if (!inMoved && !outMoved) {
            raw = null;
            rawReady = false;
        }
        onRawFailedEarly(why);
    }

    @Override
    void maybeRead() {
        if (!inMoved || !rawReady || rawReadRequested || inputEnded || !stream.isOpen() || stream.splicing()) {
            return;
        }
        StreamEnd to = peer;
        if (to != null && to.pendingBytes == 0 && to.sendCredit > 0 && to.canTransmit()) {
            rawReadRequested = true;
            raw.read();
        }
    }

    /** Whether this end can hand its stream connection to a splice: moved both ways, nothing held or in flight. */
    @Override
    Channel spliceChannel() {
        boolean idle = outMoved && inMoved && rawReady && rawHeld.isEmpty() && !rawEndHeld && pending.isEmpty()
                && sendCredit == StreamLimits.INITIAL_WINDOW_BYTES && !inputEnded && !endQueued;
        return idle && raw.isActive() ? raw : null;
    }

    @Override
    void spliceStarted() {
        rawReadRequested = false;
    }

    /** The neighbour router at the other end of this end's link. */
    String peerId() {
        return links.link.peerId();
    }
}
