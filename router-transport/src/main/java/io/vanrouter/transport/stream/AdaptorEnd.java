package io.vanrouter.transport.stream;

import io.netty.buffer.ByteBuf;
import io.vanrouter.transport.wire.StreamResetCode;

/**
 * A stream end whose application side is an adaptor's {@link AdaptorSink} rather than a socket of its own: one HTTP
 * request multiplexed with others on a client or server connection. Flow control is the socket end's: a local write
 * credit of one window (bytes handed to the sink and not yet completed), and the source is read only while the peer
 * end has no pending bytes, has credit and is writable ({@link #wantsMore}), so a slow HTTP peer back-pressures the
 * link through the credit, and a slow link back-pressures the HTTP peer through its own flow control (HTTP/2 window,
 * TCP).
 *
 * <p>Owned by the stream's event loop: every method, unless stated otherwise.
 */
public final class AdaptorEnd extends StreamEnd {
    private AdaptorSink sink;
    private boolean waitingWritable;

    AdaptorEnd(Stream stream) {
        super(stream, StreamLimits.INITIAL_WINDOW_BYTES);
    }

    /** The sink is ready: bytes may leave through it. */
    void connected(AdaptorSink readySink) {
        this.sink = readySink;
    }

    public Stream stream() {
        return stream;
    }

    /** Bytes from the application (ownership passes), toward the far end. */
    public void offer(ByteBuf bytes) {
        assert stream.loop.inEventLoop();
        stream.onData(this, bytes);
    }

    /** The application ended its direction (request or response complete). */
    public void endInput() {
        assert stream.loop.inEventLoop();
        stream.onInputEnd(this);
    }

    /** The application broke off (client reset, connection lost, bad input): aborts the stream both ways. */
    public void fail(StreamResetCode code, String text) {
        stream.execute(() -> stream.abortFrom(this, code, text));
    }

    /** Whether the source may be read now: open, and the far side has credit and room. */
    public boolean wantsMore() {
        StreamEnd to = peer;
        return !inputEnded && stream.isOpen() && to != null && !to.released() && to.pendingBytes == 0
                && to.sendCredit > 0 && to.canTransmit();
    }

    /** The sink's channel became writable again. */
    public void writable() {
        if (waitingWritable) {
            waitingWritable = false;
            stream.drain(this);
        }
    }

    /** The stream is finished or reset here. Any thread. */
    public boolean isOver() {
        return released() || stream.isClosed();
    }

    @Override
    boolean canTransmit() {
        return sink != null && sink.writable();
    }

    @Override
    void transmit(ByteBuf chunk, int bytes) {
        sink.write(chunk).addListener(f -> stream.execute(() -> stream.onTransmitted(this, bytes, f)));
    }

    @Override
    void onTransmitted(int bytes) {
        sendCredit += bytes;
    }

    @Override
    void transmitEnd() {
        sink.end().addListener(f -> stream.execute(() -> stream.onEndDone(this)));
    }

    @Override
    void abort(StreamResetCode code, String text) {
        if (sink != null) {
            sink.abort(code, text);
        }
    }

    @Override
    void awaitWritable() {
        waitingWritable = true;
    }

    @Override
    void onForwarded(int bytes) {
        maybeRead();
    }

    @Override
    void maybeRead() {
        if (sink != null && wantsMore()) {
            sink.readMore();
        }
    }

    @Override
    void close(boolean graceful) {
        if (sink != null) {
            sink.closed();
        }
    }

    @Override
    String describe() {
        return sink == null ? "adaptor ?" : sink.describe();
    }
}
