package io.vanrouter.transport.adaptor.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2Headers;
import io.vanrouter.transport.stream.AdaptorEnd;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * How one HTTP message (a request toward the connector side, a response back) travels on its stream: records of a
 * type byte, a {@code u32} length and the payload. HEAD carries a flags byte and the headers in HTTP/2 form
 * (pseudo-headers {@code :method :scheme :authority :path} or {@code :status}, lower-case names), DATA the body's
 * bytes, TRAILERS the trailing headers; the stream's END ends the message. Routers on the path cut or join chunks
 * freely, so the reader reassembles records (docs/adaptors.md, "HTTP").
 *
 * <p>The type codes are on the wire between routers and must never be renumbered.
 */
final class HttpRecords {
    static final byte HEAD = 1;
    static final byte DATA = 2;
    static final byte TRAILERS = 3;
    /** HEAD flag: the message has no body and no trailers (HTTP/2 END_STREAM on HEADERS, HTTP/1 without a body). */
    static final int FLAG_END = 1;
    static final int RECORD_HEADER_BYTES = 5;
    /** Largest HEAD or TRAILERS record; a larger head is refused at the listener with 431. */
    static final int HEAD_BYTES_MAX = 64 << 10;

    private HttpRecords() {
    }

    /** A HEAD record; null when the headers do not fit {@link #HEAD_BYTES_MAX}. */
    static ByteBuf head(ByteBufAllocator alloc, Http2Headers headers, boolean end) {
        return headers(alloc, HEAD, headers, end ? FLAG_END : 0);
    }

    /** A TRAILERS record; null when they do not fit {@link #HEAD_BYTES_MAX}. */
    static ByteBuf trailers(ByteBufAllocator alloc, Http2Headers headers) {
        return headers(alloc, TRAILERS, headers, 0);
    }

    /** The record header of a DATA record; the body bytes follow as their own buffer (no copy). */
    static ByteBuf dataHeader(ByteBufAllocator alloc, int bytes) {
        return alloc.buffer(RECORD_HEADER_BYTES).writeByte(DATA).writeInt(bytes);
    }

    /**
     * Offers an HTTP/1.1 body piece to {@code end} as a DATA record (its bytes retained, no copy) and, when it is the
     * last piece, its trailers as a TRAILERS record (dropped when they do not fit). Returns true for the last piece;
     * the caller still releases {@code content} and ends the input.
     */
    static boolean offerContent(AdaptorEnd end, ByteBufAllocator alloc, HttpContent content) {
        ByteBuf bytes = content.content();
        if (bytes.isReadable()) {
            end.offer(dataHeader(alloc, bytes.readableBytes()));
            end.offer(bytes.retain());
        }
        if (!(content instanceof LastHttpContent last)) {
            return false;
        }
        if (!last.trailingHeaders().isEmpty()) {
            ByteBuf record = trailers(alloc, HttpHeads.fromTrailers(last.trailingHeaders()));
            if (record != null) {
                end.offer(record);
            }
        }
        return true;
    }

    private static ByteBuf headers(ByteBufAllocator alloc, byte type, Http2Headers headers, int flags) {
        ByteBuf out = alloc.buffer(256);
        out.writeByte(type).writeInt(0).writeByte(flags).writeShort(headers.size());
        for (Map.Entry<CharSequence, CharSequence> header : headers) {
            writeString(out, header.getKey());
            writeString(out, header.getValue());
            if (out.readableBytes() > RECORD_HEADER_BYTES + HEAD_BYTES_MAX) {
                out.release();
                return null;
            }
        }
        out.setInt(1, out.readableBytes() - RECORD_HEADER_BYTES);
        return out;
    }

    private static void writeString(ByteBuf out, CharSequence value) {
        int lengthAt = out.writerIndex();
        out.writeShort(0);
        int bytes = out.writeCharSequence(value, StandardCharsets.UTF_8);
        out.setShort(lengthAt, bytes);
    }
}
