package io.vanrouter.transport.adaptor.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.charset.StandardCharsets;

/**
 * Reassembles {@link HttpRecords} from a stream's chunks, however the routers on the path cut them. Body bytes are
 * passed on as slices of the chunks (no copy); only a record header or a HEAD/TRAILERS record split across chunks is
 * copied, into a buffer of at most {@link HttpRecords#HEAD_BYTES_MAX}.
 *
 * <p>Owned by the stream's event loop.
 */
final class HttpRecordReader {

    /** What the records say, in order. */
    interface Handler {
        void head(Http2Headers headers, boolean end);

        /** Body bytes (ownership passes). */
        void data(ByteBuf bytes);

        void trailers(Http2Headers headers);
    }

    /** The peer router sent something that is not a record stream. */
    static final class BadRecordException extends Exception {
        BadRecordException(String message) {
            super(message);
        }
    }

    private ByteBuf partial;
    private long dataLeft;

    /** Reads {@code in} (released here) and tells {@code handler} what it holds. */
    void read(ByteBuf in, Handler handler) throws BadRecordException {
        try {
            while (in.isReadable()) {
                if (dataLeft > 0) {
                    int bytes = (int) Math.min(dataLeft, in.readableBytes());
                    dataLeft -= bytes;
                    handler.data(in.readRetainedSlice(bytes));
                } else if (partial == null && in.readableBytes() >= HttpRecords.RECORD_HEADER_BYTES
                        && fits(in, in.readerIndex())) {
                    readWhole(in, handler);
                } else {
                    readPart(in, handler);
                }
            }
        } finally {
            in.release();
        }
    }

    /** Whether the record starting at {@code at} is DATA (streamed) or wholly in {@code buf}. */
    private static boolean fits(ByteBuf buf, int at) throws BadRecordException {
        long length = checkedLength(buf, at);
        return buf.getByte(at) == HttpRecords.DATA
                || buf.readableBytes() - (at - buf.readerIndex()) >= HttpRecords.RECORD_HEADER_BYTES + length;
    }

    private void readWhole(ByteBuf in, Handler handler) throws BadRecordException {
        byte type = in.readByte();
        long length = in.readUnsignedInt();
        if (type == HttpRecords.DATA) {
            dataLeft = length;
        } else {
            headers(type, in.readSlice((int) length), handler);
        }
    }

    /** A record header or a head record split across chunks: copied until whole. */
    private void readPart(ByteBuf in, Handler handler) throws BadRecordException {
        if (partial == null) {
            partial = ByteBufAllocator.DEFAULT.heapBuffer(HttpRecords.RECORD_HEADER_BYTES,
                    HttpRecords.RECORD_HEADER_BYTES + HttpRecords.HEAD_BYTES_MAX);
        }
        int have = partial.readableBytes();
        int need = have < HttpRecords.RECORD_HEADER_BYTES ? HttpRecords.RECORD_HEADER_BYTES - have
                : HttpRecords.RECORD_HEADER_BYTES + (int) checkedLength(partial, 0) - have;
        partial.writeBytes(in, Math.min(need, in.readableBytes()));
        if (partial.readableBytes() < HttpRecords.RECORD_HEADER_BYTES) {
            return;
        }
        if (partial.getByte(0) == HttpRecords.DATA || fits(partial, 0)) {
            ByteBuf whole = partial;
            partial = null;
            try {
                readWhole(whole, handler);
            } finally {
                whole.release();
            }
        }
    }

    private static long checkedLength(ByteBuf buf, int at) throws BadRecordException {
        byte type = buf.getByte(at);
        long length = buf.getUnsignedInt(at + 1);
        if (type != HttpRecords.DATA && type != HttpRecords.HEAD && type != HttpRecords.TRAILERS) {
            throw new BadRecordException("unknown http record type " + type);
        }
        if (type != HttpRecords.DATA && length > HttpRecords.HEAD_BYTES_MAX) {
            throw new BadRecordException("http head record of " + length + " bytes (limit "
                    + HttpRecords.HEAD_BYTES_MAX + ")");
        }
        return length;
    }

    private static void headers(byte type, ByteBuf body, Handler handler) throws BadRecordException {
        try {
            int flags = body.readUnsignedByte();
            int count = body.readUnsignedShort();
            Http2Headers headers = new DefaultHttp2Headers(false, count);
            for (int i = 0; i < count; i++) {
                CharSequence name = body.readCharSequence(body.readUnsignedShort(), StandardCharsets.UTF_8);
                CharSequence value = body.readCharSequence(body.readUnsignedShort(), StandardCharsets.UTF_8);
                headers.add(name, value);
            }
            if (type == HttpRecords.HEAD) {
                handler.head(headers, (flags & HttpRecords.FLAG_END) != 0);
            } else {
                handler.trailers(headers);
            }
        } catch (IndexOutOfBoundsException e) {
            throw new BadRecordException("truncated http head record");
        }
    }

    /** Frees a half-read record; idempotent. */
    void release() {
        if (partial != null) {
            partial.release();
            partial = null;
        }
    }
}
