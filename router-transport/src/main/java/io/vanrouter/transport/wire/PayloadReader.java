package io.vanrouter.transport.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;

/**
 * Reads the fields of one frame payload and fails with a {@link ReasonCode#MALFORMED_FRAME} {@link WireException}
 * that names the frame and field when the payload is short, has bad UTF-8 or a count past its end.
 *
 * <p>Used on one event loop, for one payload.
 */
final class PayloadReader {
    private final ByteBuf payload;
    private final FrameType type;

    PayloadReader(ByteBuf payload, FrameType type) {
        this.payload = payload;
        this.type = type;
    }

    int u8(String field) {
        need(1, field);
        return payload.readUnsignedByte();
    }

    int u16(String field) {
        need(2, field);
        return payload.readUnsignedShort();
    }

    long u32(String field) {
        need(4, field);
        return payload.readUnsignedInt();
    }

    long u64(String field) {
        need(8, field);
        return payload.readLong();
    }

    /** A u32 that must lie in 1..Integer.MAX_VALUE (costs). */
    int positiveInt(String field) {
        long value = u32(field);
        if (value < 1 || value > Integer.MAX_VALUE) {
            throw malformed(field + " " + value + " out of range 1.." + Integer.MAX_VALUE);
        }
        return (int) value;
    }

    /** A u32 stream id; 0 is reserved and malformed. */
    int streamId(String field) {
        long value = u32(field);
        if (value == 0) {
            throw malformed(field + " 0 is reserved");
        }
        return (int) value;
    }

    /** A u32 byte count that must fit in a signed int (windows). */
    int byteCount(String field) {
        long value = u32(field);
        if (value > Integer.MAX_VALUE) {
            throw malformed(field + " " + value + " out of range 0.." + Integer.MAX_VALUE);
        }
        return (int) value;
    }

    /** A count of entries of at least {@code entryBytesMin} each, which must fit in what is left. */
    int count(long count, int entryBytesMin, String field) {
        if (count * entryBytesMin > payload.readableBytes()) {
            throw malformed(field + " " + count + " needs at least " + count * entryBytesMin + " bytes but "
                    + payload.readableBytes() + " are left");
        }
        return (int) count;
    }

    String string(String field, int maxBytes) {
        return string(field, maxBytes, null, 0);
    }

    /** {@link #string(String, int)}, found in or added to {@code recent} (null: none) as field {@code key} there. */
    String string(String field, int maxBytes, RecentStrings recent, int key) {
        int length = u16(field + " length");
        if (length > maxBytes) {
            throw malformed(field + " of " + length + " bytes exceeds limit " + maxBytes);
        }
        need(length, field);
        int index = payload.readerIndex();
        String value = recent == null ? null : recent.find(key, payload, index, length);
        if (value == null) {
            if (!ByteBufUtil.isText(payload, index, length, StandardCharsets.UTF_8)) {
                throw malformed(field + " is not valid UTF-8");
            }
            value = payload.toString(index, length, StandardCharsets.UTF_8);
            if (recent != null) {
                recent.remember(key, payload, index, length, value);
            }
        }
        payload.skipBytes(length);
        return value;
    }

    int remaining() {
        return payload.readableBytes();
    }

    /** Fails when bytes are left over (every frame but HANDSHAKE must parse exactly). */
    void expectEnd() {
        if (payload.isReadable()) {
            throw malformed(payload.readableBytes() + " unexpected trailing bytes");
        }
    }

    private void need(int bytes, String field) {
        if (payload.readableBytes() < bytes) {
            throw malformed("truncated reading " + field + " (need " + bytes + " bytes, " + payload.readableBytes()
                    + " left)");
        }
    }

    WireException malformed(String what) {
        return new WireException(ReasonCode.MALFORMED_FRAME, "malformed " + type + " frame: " + what);
    }
}
