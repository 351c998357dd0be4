package io.vanrouter.transport.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;

/** Encodes and decodes frames through real codec instances on embedded channels. */
public final class WireTestSupport {
    public static final int LIMIT = TransportLimitsForTests.MAX_FRAME_BYTES;

    private WireTestSupport() {
    }

    /**
     * The wire bytes of {@code messages}, each passed through the encoders of a link (control, STREAM_DATA and
     * MESSAGE frames). Caller releases.
     */
    public static ByteBuf encode(Object... messages) {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameEncoder(LIMIT));
        ByteBuf all = Unpooled.buffer();
        for (Object message : messages) {
            channel.writeOutbound(message);
            for (ByteBuf out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
                all.writeBytes(out);
                out.release();
            }
        }
        channel.finishAndReleaseAll();
        return all;
    }

    /** Every message decoded from {@code bytes} (which must start with a preamble); releases {@code bytes}. */
    public static List<Object> decode(ByteBuf bytes) {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(LIMIT));
        channel.writeInbound(bytes);
        List<Object> out = new ArrayList<>();
        for (Object message = channel.readInbound(); message != null; message = channel.readInbound()) {
            out.add(message);
        }
        channel.finishAndReleaseAll();
        return out;
    }

    /** Drains every outbound ByteBuf of {@code channel} into one buffer. Caller releases. */
    public static ByteBuf drainOutbound(EmbeddedChannel channel) {
        channel.runPendingTasks();
        ByteBuf all = Unpooled.buffer();
        for (Object message = channel.readOutbound(); message != null; message = channel.readOutbound()) {
            ByteBuf buf = (ByteBuf) message;
            all.writeBytes(buf);
            buf.release();
        }
        return all;
    }

    /** A raw frame: u32 length, type, payload. */
    public static ByteBuf rawFrame(int type, byte... payload) {
        return Unpooled.buffer().writeInt(payload.length + 1).writeByte(type).writeBytes(payload);
    }

    public static ByteBuf preamble() {
        return Unpooled.buffer().writeBytes(WireLimits.MAGIC).writeShort(WireLimits.PROTOCOL_VERSION);
    }

    static final class TransportLimitsForTests {
        static final int MAX_FRAME_BYTES = 1 << 20;
    }
}
