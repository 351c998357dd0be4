package io.vanrouter.transport.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.socket.DuplexChannel;
import io.vanrouter.transport.link.StreamConnectionObserver;
import io.vanrouter.transport.netty.AbortiveClose;
import io.vanrouter.transport.netty.Errors;
import io.vanrouter.transport.netty.HandlerNames;
import io.vanrouter.transport.wire.StreamFrame;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * One hop of a stream moving to a stream connection of its own (docs/protocol.md, section 5.3; docs/data-plane.md,
 * section 7): the raw side of a {@link LinkEnd}, from the moment the move starts. Each direction switches once, at
 * the byte boundary its STREAM_MOVED marks: this router's bytes go raw once it sent STREAM_MOVED ({@link #outMoved}),
 * the peer's come raw once the peer's STREAM_MOVED arrived ({@link #inMoved}). Raw bytes read before that are held
 * and delivered after the framed ones, so nothing is reordered. A connection that fails or is refused before either
 * switch leaves the stream on frames.
 *
 * <p>A moved direction ends with a FIN on the stream connection <em>and</em> a STREAM_END on the link that counts the
 * direction's bytes: a FIN alone proves nothing (the kernel of a router killed mid-stream sends one), so it is held
 * until the count comes and matches; the link going down, or a RESET, before that resets the stream.
 *
 * <p>Owned by the stream's loop, like its end.
 */
final class MovedHop {
    /** How long an aborted stream's stream connection waits for the peer to close it (see {@link #closeAfterReset}). */
    static final long RESET_LINGER_MILLIS = 2_000;

    private final LinkEnd end;
    private final Stream stream;
    /** The stream connection once answered (dialer) or accepted (listener); null before. */
    private Channel raw;
    /** This router sent STREAM_MOVED: its bytes (and FIN) go on {@link #raw}; the end's sendCredit is local. */
    private boolean outMoved;
    /** The peer's STREAM_MOVED arrived: its bytes come from {@link #raw}. */
    private boolean inMoved;
    private boolean readRequested;
    /** Raw bytes (and FIN) read before the peer's STREAM_MOVED, delivered after it. */
    private final ArrayDeque<ByteBuf> held = new ArrayDeque<>();
    private boolean endHeld;
    /** The peer's FIN was read (after its STREAM_MOVED): its direction ends when {@link #peerEndBytes} confirms it. */
    private boolean finRead;
    /** The byte count of the peer's STREAM_END after its STREAM_MOVED, or NO_COUNT before it came. */
    private long peerEndBytes = StreamFrame.End.NO_COUNT;
    /** The connection failed or was refused: a STREAM_MOVED that still comes cannot be followed. */
    private boolean failed;

    MovedHop(LinkEnd end) {
        this.end = end;
        this.stream = end.stream;
    }

    boolean outMoved() {
        return outMoved;
    }

    boolean inMoved() {
        return inMoved;
    }

    boolean hasConnection() {
        return raw != null;
    }

    /** Both directions are on the stream connection. */
    boolean moved() {
        return raw != null && outMoved && inMoved;
    }

    // ---- Starting the move ----

    /** Dialer of the link: dials the stream connection on the stream's loop. */
    void dial() {
        end.links.link.dialStreamConnection(end.id, stream.loop, new StreamConnectionObserver() {
            @Override
            public ChannelHandler answered(Channel channel) {
                return onAnswered(channel);
            }

            @Override
            public void failed(String why) {
                stream.execute(() -> onFailedEarly(why));
            }
        });
    }

    /** Dialer: the peer answered; the connection is on the stream's loop (it was dialed there). */
    private ChannelHandler onAnswered(Channel channel) {
        RawEndHandler handler = new RawEndHandler(this);
        if (end.released() || stream.isClosed()) {
            channel.eventLoop().execute(channel::close);
            return handler;
        }
        raw = channel;
        maybeSwitchOutbound();
        return handler;
    }

    /** Dialer: the connection failed or was refused before the answer: the stream goes on with frames. */
    private void onFailedEarly(String why) {
        failed = true;
        if (end.released() || stream.isClosed()) {
            return;
        }
        if (inMoved || outMoved) {
            // The peer took the connection (its STREAM_MOVED came) and its bytes now go there: they are lost.
            stream.abortAfterPendingFrames("stream connection of " + end.describe() + ": " + why);
            return;
        }
        StreamRouter.LOG.debug("[{}] stream {} stays on {}: {}", stream.router.routerId(), stream.serial(),
                end.describe(), why);
    }

    /** Listener of the link: takes the peer's stream connection (checked by {@link LinkEnd#acceptRaw}). */
    void accept(Channel channel) {
        raw = channel;
        channel.pipeline().addBefore(HandlerNames.EXCEPTIONS, HandlerNames.SOCKET_END, new RawEndHandler(this));
        switchOutbound();
    }

    /** Dialer: switches once both the answer and the peer's STREAM_MOVED (its acceptance) are in. */
    private void maybeSwitchOutbound() {
        if (raw != null && inMoved && !outMoved) {
            switchOutbound();
        }
    }

    private void switchOutbound() {
        end.send(new StreamFrame.Moved(end.id));
        outMoved = true;
        end.sendCredit = StreamLimits.INITIAL_WINDOW_BYTES;
        if (end.endSent) {
            shutdownOutput(false); // END already went as a frame; the raw direction carries nothing
        }
        stream.drain(end);
        deliverHeld();
    }

    /** The peer's STREAM_MOVED: legal after this router dialed a stream connection for it, or accepted one. */
    void onPeerMoved(boolean dialer) {
        if (inMoved || (!dialer && (raw == null || !outMoved))) {
            stream.protocolError(end, inMoved ? "second STREAM_MOVED" : "STREAM_MOVED without a stream connection");
            return;
        }
        inMoved = true;
        if (failed) { // the peer took a connection that then failed here: its bytes are gone
            stream.abortAfterPendingFrames("stream connection of " + end.describe() + " failed before the switch");
            return;
        }
        if (dialer) {
            maybeSwitchOutbound();
        }
        deliverHeld();
    }

    // ---- Bytes ----

    boolean canTransmit() {
        return raw.isActive();
    }

    /** On the stream's loop, like a socket: the local credit comes back when the write completes. */
    void transmit(ByteBuf chunk, int bytes) {
        raw.writeAndFlush(chunk).addListener(f -> {
            if (f.isSuccess()) {
                end.sendCredit += bytes;
            }
            stream.onTransmitted(end, bytes, f);
        });
    }

    /**
     * FIN on the stream connection once every queued write completed (shutdownOutput fails pending writes), then, when
     * {@code confirm}, the STREAM_END that confirms it. Without {@code confirm} the END went as a frame before the
     * switch and the connection's output just closes.
     */
    void shutdownOutput(boolean confirm) {
        Channel moved = raw;
        moved.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
            if (!f.isSuccess() || !(moved instanceof DuplexChannel duplex)) {
                endOutputFailed(confirm, f.cause());
                return;
            }
            duplex.shutdownOutput().addListener(g -> {
                if (!g.isSuccess()) {
                    endOutputFailed(confirm, g.cause());
                    return;
                }
                if (confirm) {
                    confirmEnd();
                }
                stream.onEndDone(end);
            });
        });
    }

    private void endOutputFailed(boolean confirm, Throwable cause) {
        if (confirm) { // the peer cannot be told the direction ended: it must not take what it got for all of it
            stream.abortAfterPendingFrames("FIN on the stream connection of " + end.describe() + " failed: "
                    + (cause == null ? "not a socket" : Errors.describe(cause)));
        } else {
            stream.onEndDone(end);
        }
    }

    /** STREAM_END with the direction's byte count: the FIN this router sent on the stream connection is real. */
    void confirmEnd() {
        end.send(new StreamFrame.End(end.id, stream.bytesOut(end)));
    }

    /** Raw bytes and FIN read before both the peer's STREAM_MOVED and the answer are in go to the stream now. */
    private void deliverHeld() {
        if (!inMoved || raw == null || end.released()) {
            return;
        }
        ByteBuf buf;
        while ((buf = held.poll()) != null) {
            stream.onData(end, buf);
        }
        if (endHeld) {
            endHeld = false;
            finRead = true;
            maybeEndInput();
        }
        maybeRead();
    }

    /** A read from the stream connection (RawEndHandler); stream's loop. */
    void onData(ByteBuf buf) {
        if (end.released()) {
            buf.release();
        } else if (!inMoved || raw == null || !held.isEmpty()) {
            held.add(buf);
        } else {
            stream.onData(end, buf);
        }
    }

    void onReadComplete() {
        readRequested = false;
        maybeRead();
    }

    /** The peer's FIN on the stream connection, read by Netty or by a splice relay; held until confirmed. */
    void onInputEnd() {
        if (!inMoved || raw == null) {
            endHeld = true;
        } else {
            finRead = true;
            maybeEndInput();
        }
    }

    /** The peer's STREAM_END after its STREAM_MOVED: the count of its direction's bytes, confirming its FIN. */
    void onPeerEnd(StreamFrame.End frame) {
        if (!frame.counted()) {
            stream.protocolError(end, "STREAM_END after STREAM_MOVED without a byte count");
        } else if (peerEndBytes != StreamFrame.End.NO_COUNT) {
            stream.protocolError(end, "second STREAM_END after STREAM_MOVED");
        } else {
            peerEndBytes = frame.bytes();
            maybeEndInput();
        }
    }

    /** The peer's direction ends here once its FIN was read and its STREAM_END counts exactly what arrived. */
    private void maybeEndInput() {
        if (!finRead || peerEndBytes == StreamFrame.End.NO_COUNT || end.inputEnded) {
            return;
        }
        long received = stream.bytesIn(end);
        if (received != peerEndBytes) {
            stream.protocolError(end, "FIN on the stream connection after " + received + " bytes, STREAM_END counts "
                    + peerEndBytes);
            return;
        }
        stream.onInputEnd(end);
    }

    /** The stream connection failed or closed: after the move that aborts the stream, before it changes nothing. */
    void onClosed(String why) {
        if (end.released() || stream.isClosed()) {
            return;
        }
        if (finRead && (end.endDone || !outMoved)) {
            return; // nothing more travels on it either way; the link brings the confirmation, or a reset
        }
        if (!inMoved && !outMoved) {
            raw = null;
        }
        onFailedEarly(why);
    }

    void maybeRead() {
        if (!inMoved || raw == null || readRequested || finRead || end.inputEnded || !stream.isOpen()
                || stream.splicing()) {
            return;
        }
        StreamEnd to = end.peer;
        if (to != null && to.pendingBytes == 0 && to.sendCredit > 0 && to.canTransmit()) {
            readRequested = true;
            raw.read();
        }
    }

    /** The connection, when it can go to a splice: moved both ways, nothing held or in flight. */
    Channel spliceChannel() {
        boolean idle = moved() && held.isEmpty() && !endHeld && !finRead
                && peerEndBytes == StreamFrame.End.NO_COUNT && end.pending.isEmpty()
                && end.sendCredit == StreamLimits.INITIAL_WINDOW_BYTES && !end.inputEnded && !end.endQueued;
        return idle && raw.isActive() ? raw : null;
    }

    void spliceStarted() {
        readRequested = false;
    }

    // ---- Closing ----

    /** The end is released: frees held bytes and closes the connection the way the stream ended. */
    void close(boolean graceful, boolean resetting, boolean peerReset) {
        ByteBuf buf;
        while ((buf = held.poll()) != null) {
            buf.release();
        }
        if (raw == null || resetting) {
            return; // closeAfterReset closes it
        }
        if (graceful) {
            raw.close(); // both directions ended: FIN went both ways already
        } else if (peerReset) {
            closeWithReset(raw); // never a FIN: that would read as the end of a direction
        } else {
            // This end reported the failure (its link or connection went down): the peer learns of it the same way,
            // with the same cause, unless an RST here beats it to that.
            closeAfterReset();
        }
    }

    /**
     * After this router sent STREAM_RESET: the connection stays open (and silent) until the peer closes it on that
     * RESET, or RESET_LINGER_MILLIS at most. Closing it at once would race the frame: a peer that read the RST first
     * would report ABORTED instead of the real cause.
     */
    void closeAfterReset() {
        Channel moved = raw;
        if (moved != null) {
            moved.eventLoop().schedule(() -> closeWithReset(moved), RESET_LINGER_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private static void closeWithReset(Channel moved) {
        AbortiveClose.arm(moved);
        moved.close();
    }
}
