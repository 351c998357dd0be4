package io.vanrouter.transport.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.EncoderException;

/** The wire's string encoding (u16 byte length, then UTF-8), shared by every frame writer. Stateless; any thread. */
final class WireStrings {
    private WireStrings() {
    }

    /** Writes {@code value}; an encoder error when it is longer than {@code maxBytes} UTF-8 bytes. */
    static void write(ByteBuf out, String value, int maxBytes) {
        int bytes = ByteBufUtil.utf8Bytes(value);
        if (bytes > maxBytes) {
            throw new EncoderException("string of " + bytes + " bytes exceeds limit " + maxBytes);
        }
        out.writeShort(bytes);
        ByteBufUtil.writeUtf8(out, value);
    }
}
