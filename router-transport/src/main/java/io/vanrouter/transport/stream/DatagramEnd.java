package io.vanrouter.transport.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.vanrouter.transport.wire.StreamResetCode;
import io.vanrouter.transport.wire.WireLimits;

/**
 * A stream end for one datagram flow (one UDP client at a listener, or its socket toward the server at a connector).
 * On the stream each datagram is a record: a {@code u16} length and the datagram's bytes. Records keep datagram
 * boundaries however routers on the path cut or join STREAM_DATA chunks, so transit routers need not know that a
 * stream carries datagrams (docs/adaptors.md).
 *
 * <p>Datagrams are never queued without bound: {@link #offer} drops one that would take the bytes waiting at the
 * other end past {@link #PENDING_BYTES_MAX} (congested path, or not open yet). Datagrams leaving the stream go to the
 * {@link DatagramSink} at once, and their credit returns at once: a sink drops what its socket cannot take.
 *
 * <p>Owned by the stream's event loop: every method, unless stated otherwise.
 */
public final class DatagramEnd extends StreamEnd {
    /** Largest datagram carried: the most a UDP/IPv4 datagram holds. */
    public static final int DATAGRAM_BYTES_MAX = 65_507;
    /** The length before each datagram on the stream. */
    static final int HEADER_BYTES = 2;
    /** Bytes a flow may have waiting for credit or for the stream to open; past it datagrams are dropped. */
    public static final int PENDING_BYTES_MAX = 128 << 10;

    static {
        // A record must fit one STREAM_DATA payload, so a source never has to split one.
        assert DATAGRAM_BYTES_MAX + HEADER_BYTES <= WireLimits.STREAM_DATA_BYTES_MAX;
    }

    /** What {@link #offer} did with a datagram. */
    public enum Offer { ACCEPTED, CONGESTED, TOO_LARGE, CLOSED }

    private DatagramSink sink;
    /** The start of a record whose rest is in a later chunk (a router on the path cut it), or null. */
    private ByteBuf partial;
    private volatile long lastActiveNanos = System.nanoTime();

    DatagramEnd(Stream stream) {
        super(stream, StreamLimits.INITIAL_WINDOW_BYTES);
    }

    /** The sink is ready: datagrams may leave through it. */
    void connected(DatagramSink readySink) {
        this.sink = readySink;
    }

    public Stream stream() {
        return stream;
    }

    /**
     * A datagram from this end's socket (ownership passes): queued toward the far end, or dropped and released when
     * it is too large, the stream is over or the bytes waiting would pass {@link #PENDING_BYTES_MAX}.
     */
    public Offer offer(ByteBuf datagram) {
        assert stream.loop.inEventLoop();
        int bytes = datagram.readableBytes();
        if (bytes > DATAGRAM_BYTES_MAX) {
            datagram.release();
            return Offer.TOO_LARGE;
        }
        if (isOver() || inputEnded || peer == null || peer.released()) {
            datagram.release();
            return Offer.CLOSED;
        }
        if (peer.pendingBytes + HEADER_BYTES + bytes > PENDING_BYTES_MAX) {
            datagram.release();
            return Offer.CONGESTED;
        }
        lastActiveNanos = System.nanoTime();
        // One copy into a record of the datagram's own size: a socket read buffer is 64 KiB whatever arrived, and the
        // bound counts bytes, so 128 KiB of small datagrams would otherwise pin many read buffers.
        ByteBuf record = datagram.alloc().directBuffer(HEADER_BYTES + bytes);
        record.writeShort(bytes).writeBytes(datagram);
        datagram.release();
        stream.onData(this, record);
        return Offer.ACCEPTED;
    }

    /** The flow's stream is finished or reset here. */
    public boolean isOver() {
        return released() || stream.isClosed();
    }

    /** Ends the flow from this side (idle): END toward the far end, whose END then closes the stream. */
    public void end() {
        stream.execute(() -> stream.onInputEnd(this));
    }

    /** Nanoseconds since a datagram last passed this end, either way. Any thread. */
    public long idleNanos(long nowNanos) {
        return nowNanos - lastActiveNanos;
    }

    @Override
    boolean canTransmit() {
        return sink != null;
    }

    @Override
    void transmit(ByteBuf chunk, int bytes) {
        ByteBuf in = chunk;
        if (partial != null) { // rare: a router on the path cut a record; copy to join it
            partial.writeBytes(chunk);
            chunk.release();
            in = partial;
            partial = null;
        }
        while (in.readableBytes() >= HEADER_BYTES
                && in.readableBytes() >= HEADER_BYTES + in.getUnsignedShort(in.readerIndex())) {
            int length = in.readUnsignedShort();
            lastActiveNanos = System.nanoTime();
            sink.send(in.readRetainedSlice(length));
        }
        if (in.isReadable()) {
            partial = ByteBufAllocator.DEFAULT.buffer(in.readableBytes(), 2 * StreamLimits.DATA_CHUNK_BYTES_MAX);
            partial.writeBytes(in);
        }
        in.release();
        // The sink took or dropped every complete datagram: the bytes are forwarded, the credit is back.
        sendCredit += bytes;
        peer.onForwarded(bytes);
    }

    @Override
    void transmitEnd() {
        // No half-close in UDP: an END from the far side ends the whole flow, so END goes back too. Later on the
        // loop, not inside the drain that called this.
        stream.loop.execute(() -> {
            stream.onEndDone(this);
            stream.onInputEnd(this);
        });
    }

    @Override
    void abort(StreamResetCode code, String text) {
        // UDP has no reset: the client or server just hears nothing more. The sink forgets the flow in close().
    }

    @Override
    void awaitWritable() {
        // Credit returns as soon as datagrams are handed to the sink; nothing to wait for.
    }

    @Override
    void close(boolean graceful) {
        if (partial != null) {
            partial.release();
            partial = null;
        }
        if (sink != null) {
            sink.closed();
        }
    }

    @Override
    String describe() {
        return sink == null ? "udp ?" : sink.describe();
    }
}
