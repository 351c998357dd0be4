package io.vanrouter.transport.stream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.util.ReferenceCountUtil;
import io.vanrouter.transport.wire.StreamFrame;
import io.vanrouter.transport.wire.StreamResetCode;

/**
 * A stream end on an inter-router link: stream {@link #id} of that link. Sends DATA within the peer's credit and
 * grants the peer credit (STREAM_WINDOW) as the bytes it sent are written onward.
 *
 * <p>Owned by the stream's loop, which is its connection's loop when the link has a data connection on that loop, and
 * may differ otherwise: frames arrive through {@link #onFrame} on the stream's loop; writes go to the connection from
 * the stream's loop (Netty queues them in order).
 */
final class LinkEnd extends StreamEnd {
    final LinkStreams links;
    final int id;
    /** The connection every frame of this stream on this hop uses, both ways: the link or one of its data ones. */
    private final Channel channel;
    /** Bytes the peer may still send on this hop before we grant more. */
    private int recvCredit;
    /** Bytes passed on since the last STREAM_WINDOW. */
    private int grantPending;
    private boolean waitingWritable;
    /** The hop's stream connection once this stream started moving to one (one try per stream and hop), else null. */
    private MovedHop hop;
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

    /** This router's bytes go on the stream connection (it sent STREAM_MOVED). */
    private boolean outMoved() {
        return hop != null && hop.outMoved();
    }

    /** The peer's bytes come from the stream connection (its STREAM_MOVED arrived). */
    private boolean inMoved() {
        return hop != null && hop.inMoved();
    }

    @Override
    boolean canTransmit() {
        return outMoved() ? hop.canTransmit() : channel().isWritable();
    }

    @Override
    void transmit(ByteBuf chunk, int bytes) {
        if (outMoved()) {
            hop.transmit(chunk, bytes);
            return;
        }
        ChannelFuture future = channel().writeAndFlush(new StreamFrame.Data(id, chunk));
        future.addListener(f -> stream.execute(() -> stream.onTransmitted(this, bytes, f)));
    }

    @Override
    void transmitEnd() {
        if (outMoved()) {
            hop.shutdownOutput(true);
            return;
        }
        send(new StreamFrame.End(id));
        stream.onEndDone(this);
    }

    @Override
    void abort(StreamResetCode code, String text) {
        send(StreamFrame.Reset.of(id, code, text));
        if (hop != null && hop.hasConnection()) {
            resetting = true;
            hop.closeAfterReset(); // the peer learns of the abort from the RESET frame, with its reason
        }
    }

    @Override
    void awaitWritable() {
        if (outMoved()) {
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
        if (inMoved()) {
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
            if (bytes > recvCredit || inputEnded || inMoved()) {
                data.release();
                stream.protocolError(this, inMoved() ? "STREAM_DATA after STREAM_MOVED" : inputEnded
                        ? "data after end" : bytes + " bytes beyond window " + recvCredit);
                return;
            }
            recvCredit -= bytes;
            stream.onData(this, data.content());
        } else if (frame instanceof StreamFrame.Window window) {
            if (outMoved()) {
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
        } else if (frame instanceof StreamFrame.End endFrame) {
            if (inMoved()) {
                hop.onPeerEnd(endFrame); // confirms the FIN on the stream connection
            } else if (endFrame.counted() && endFrame.bytes() != stream.bytesIn(this)) {
                stream.protocolError(this, "STREAM_END counts " + endFrame.bytes() + " bytes, "
                        + stream.bytesIn(this) + " arrived");
            } else {
                stream.onInputEnd(this);
            }
        } else if (frame instanceof StreamFrame.Moved) {
            if (hop == null) {
                stream.protocolError(this, "STREAM_MOVED without a stream connection");
            } else {
                hop.onPeerMoved(links.link.dialed());
            }
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
        if (hop != null) {
            hop.close(graceful, resetting, peerReset);
        }
    }

    @Override
    String describe() {
        return "link L" + links.link.linkId() + " (" + links.link.peerId() + ") #" + Integer.toUnsignedString(id)
                + (hop != null && hop.moved() ? " moved" : channel == links.channel() ? "" : " data");
    }

    // ---- Moving to a stream connection (MovedHop; docs/protocol.md, section 5.3; docs/data-plane.md, section 7) ----

    /**
     * Dialer of the link: tries once to move this hop of a bulk stream to a stream connection of its own. The stream
     * stays on frames until the peer's STREAM_MOVED arrives, and for good if the connection fails before that.
     */
    void tryMove() {
        if (hop != null || !links.link.dialed() || !links.link.streamConnections() || inputEnded || endQueued) {
            return;
        }
        hop = new MovedHop(this);
        hop.dial();
    }

    /**
     * Listener of the link: the peer's stream connection for this stream, admitted, on the stream's loop. Taken when
     * the stream is open and neither direction has ended here; otherwise closed, which tells the dialer to stay on
     * frames. Taking it sends STREAM_MOVED: this router's bytes go raw from now on.
     */
    void acceptRaw(Channel connection) {
        if (hop != null || released() || !stream.isOpen() || inputEnded || endQueued || endSent) {
            connection.close();
            return;
        }
        hop = new MovedHop(this);
        hop.accept(connection);
    }

    @Override
    void maybeRead() {
        if (hop != null) {
            hop.maybeRead();
        }
    }

    /** Whether this end can hand its stream connection to a splice: moved both ways, nothing held or in flight. */
    @Override
    Channel spliceChannel() {
        return hop == null ? null : hop.spliceChannel();
    }

    @Override
    void onSplicedInputEnd() {
        hop.onInputEnd(); // a FIN on a stream connection waits for the peer's STREAM_END
    }

    @Override
    void onSplicedEndSent() {
        hop.confirmEnd();
    }

    @Override
    void spliceStarted() {
        if (hop != null) {
            hop.spliceStarted();
        }
    }

    /** The neighbour router at the other end of this end's link. */
    String peerId() {
        return links.link.peerId();
    }
}
