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
        return channel().isWritable();
    }

    @Override
    void transmit(ByteBuf chunk, int bytes) {
        ChannelFuture future = channel().writeAndFlush(new StreamFrame.Data(id, chunk));
        future.addListener(f -> stream.execute(() -> stream.onTransmitted(this, bytes, f)));
    }

    @Override
    void transmitEnd() {
        send(new StreamFrame.End(id));
        stream.onEndDone(this);
    }

    @Override
    void abort(StreamResetCode code, String text) {
        send(StreamFrame.Reset.of(id, code, text));
    }

    @Override
    void awaitWritable() {
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
            if (bytes > recvCredit || inputEnded) {
                data.release();
                stream.protocolError(this, inputEnded ? "data after end" : bytes + " bytes beyond window "
                        + recvCredit);
                return;
            }
            recvCredit -= bytes;
            stream.onData(this, data.content());
        } else if (frame instanceof StreamFrame.Window window) {
            if (window.bytes() > Integer.MAX_VALUE - sendCredit) {
                // Credit is an int, as in HTTP/2: a grant past 2^31 - 1 would wrap it negative and stall the stream.
                stream.protocolError(this, "window grant of " + window.bytes() + " bytes overflows credit "
                        + sendCredit);
                return;
            }
            sendCredit += window.bytes();
            stream.drain(this);
        } else if (frame instanceof StreamFrame.End) {
            stream.onInputEnd(this);
        } else if (frame instanceof StreamFrame.Reset reset) {
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
    }

    @Override
    String describe() {
        return "link L" + links.link.linkId() + " (" + links.link.peerId() + ") #" + Integer.toUnsignedString(id)
                + (channel == links.channel() ? "" : " data");
    }

    /** The neighbour router at the other end of this end's link. */
    String peerId() {
        return links.link.peerId();
    }
}
