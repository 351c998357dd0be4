package io.vanrouter.transport.wire;

import static io.vanrouter.transport.wire.WireTestSupport.preamble;
import static io.vanrouter.transport.wire.WireTestSupport.rawFrame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamFrameCodecTest {
    private static final List<StreamFrame> CONTROL = List.of(
            new StreamFrame.Open(1, "router-c", "backend", "router-a", 256 << 10),
            new StreamFrame.Opened(1),
            new StreamFrame.Window(0xFFFF_FFFE, Integer.MAX_VALUE),
            new StreamFrame.End(2),
            new StreamFrame.End(4, 0),
            new StreamFrame.End(6, Long.MAX_VALUE),
            new StreamFrame.Moved(0xFFFF_FFFF),
            StreamFrame.Reset.of(3, StreamResetCode.CONNECT_FAILED, "Connection refused"));

    /** Wire bytes of {@code frames} through both encoders, preamble first. Caller releases. */
    private static ByteBuf encode(Object... frames) {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameEncoder(WireTestSupport.LIMIT));
        ByteBuf all = Unpooled.buffer();
        all.writeBytes(WireLimits.MAGIC).writeShort(WireLimits.PROTOCOL_VERSION);
        for (Object frame : frames) {
            channel.writeOutbound(frame);
        }
        all.writeBytes(consume(WireTestSupport.drainOutbound(channel)));
        channel.finishAndReleaseAll();
        return all;
    }

    private static ByteBuf consume(ByteBuf buf) {
        ByteBuf copy = Unpooled.copiedBuffer(buf);
        buf.release();
        return copy;
    }

    private static List<Object> decodeSplit(ByteBuf whole, int split) {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(WireTestSupport.LIMIT));
        channel.writeInbound(whole.retainedSlice(0, split));
        channel.writeInbound(whole.retainedSlice(split, whole.readableBytes() - split));
        List<Object> decoded = new ArrayList<>();
        for (Object m = channel.readInbound(); m != null; m = channel.readInbound()) {
            decoded.add(m);
        }
        assertThat(channel.finishAndReleaseAll()).isFalse();
        return decoded;
    }

    private static Object describe(Object frame) {
        if (frame instanceof StreamFrame.Data data) {
            String text = data.content().toString(StandardCharsets.UTF_8);
            return "DATA " + data.streamId() + " " + text;
        }
        return frame;
    }

    @Test
    void shouldRoundTripEveryStreamFrameSplitAtEveryByteOffset() {
        List<Object> frames = new ArrayList<>(CONTROL);
        frames.add(new StreamFrame.Data(7, Unpooled.copiedBuffer("hello", StandardCharsets.UTF_8)));
        frames.add(new StreamFrame.Data(9, Unpooled.EMPTY_BUFFER));
        ByteBuf whole = encode(frames.toArray());
        List<Object> expected = new ArrayList<>(CONTROL);
        expected.add("DATA 7 hello");
        expected.add("DATA 9 ");
        try {
            for (int split = 0; split <= whole.readableBytes(); split++) {
                List<Object> decoded = decodeSplit(whole, split);
                List<Object> described = decoded.stream().map(StreamFrameCodecTest::describe).toList();
                decoded.forEach(io.netty.util.ReferenceCountUtil::release);
                assertThat(described).as("split at %d", split).containsExactlyElementsOf(expected);
            }
        } finally {
            whole.release();
        }
    }

    @Test
    void shouldEncodeStreamFramesAsDocumented() {
        ByteBuf bytes = encode(new StreamFrame.Open(1, "c", "db", "a", 0x40000), new StreamFrame.Window(1, 65_536),
                new StreamFrame.Data(1, Unpooled.wrappedBuffer(new byte[] {(byte) 0xCA, (byte) 0xFE})),
                new StreamFrame.End(1), StreamFrame.Reset.of(1, StreamResetCode.NO_ROUTE, "x"),
                new StreamFrame.Opened(1), new StreamFrame.Moved(1), new StreamFrame.End(1, 1_048_576));
        try {
            bytes.skipBytes(WireLimits.PREAMBLE_BYTES);
            // Matches the annotated examples in docs/protocol.md.
            assertThat(ByteBufUtil.hexDump(bytes)).isEqualTo(
                    "00000013" + "20" + "00000001" + "000163" + "00026462" + "000161" + "00040000"
                    + "00000009" + "22" + "00000001" + "00010000"
                    + "00000007" + "21" + "00000001" + "cafe"
                    + "00000005" + "23" + "00000001"
                    + "0000000a" + "24" + "00000001" + "0001" + "000178"
                    + "00000005" + "25" + "00000001"
                    + "00000005" + "26" + "00000001"
                    + "0000000d" + "23" + "00000001" + "0000000000100000");
        } finally {
            bytes.release();
        }
    }

    @Test
    void shouldRejectAStreamEndWhoseByteCountIsCutShortTooLongOrBeyondTwoToTheSixtyThree() {
        assertMalformed(Unpooled.buffer().writeInt(1 + 4 + 4).writeByte(0x23).writeInt(1).writeInt(0),
                "malformed STREAM_END frame: truncated reading bytes (need 8 bytes, 4 left)");
        assertMalformed(Unpooled.buffer().writeInt(1 + 4 + 8).writeByte(0x23).writeInt(1).writeLong(Long.MIN_VALUE),
                "malformed STREAM_END frame: bytes 9223372036854775808 beyond 2^63 - 1");
        assertMalformed(Unpooled.buffer().writeInt(1 + 4 + 9).writeByte(0x23).writeInt(1).writeLong(1).writeByte(0),
                "malformed STREAM_END frame: 1 unexpected trailing bytes");
    }

    @Test
    void shouldSliceDataPayloadWithoutCopying() {
        ByteBuf wire = encode(new StreamFrame.Data(5, Unpooled.wrappedBuffer(new byte[1000])));
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(WireTestSupport.LIMIT));
        channel.writeInbound(wire);
        StreamFrame.Data data = channel.readInbound();
        try {
            assertThat(data.streamId()).isEqualTo(5);
            assertThat(data.content().readableBytes()).isEqualTo(1000);
            assertThat(data.content().unwrap()).as("a slice of the cumulation").isNotNull();
        } finally {
            data.release();
            channel.finishAndReleaseAll();
        }
    }

    private static void assertMalformed(ByteBuf frame, String message) {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(WireTestSupport.LIMIT));
        ByteBuf bytes = preamble().writeBytes(frame);
        frame.release();
        assertThatThrownBy(() -> channel.writeInbound(bytes)).isInstanceOf(WireException.class)
                .hasMessage(message);
        channel.finishAndReleaseAll();
    }

    @Test
    void shouldRejectMalformedStreamFrames() {
        assertMalformed(rawFrame(0x21, (byte) 0, (byte) 0), "malformed STREAM_DATA frame: truncated reading stream id "
                + "(need 4 bytes, 2 left)");
        assertMalformed(rawFrame(0x21, (byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 7),
                "malformed STREAM_DATA frame: stream id 0");
        ByteBuf big = Unpooled.buffer().writeInt(1 + 4 + 65_537).writeByte(0x21).writeInt(1).writeZero(65_537);
        assertMalformed(big, "malformed STREAM_DATA frame: payload of 65537 bytes exceeds limit 65536");
        assertMalformed(rawFrame(0x22, (byte) 0, (byte) 0, (byte) 0, (byte) 1, (byte) 0, (byte) 0, (byte) 0, (byte) 0),
                "malformed STREAM_WINDOW frame: bytes 0 grants nothing");
        assertMalformed(rawFrame(0x22, (byte) 0, (byte) 0, (byte) 0, (byte) 1, (byte) 0x80, (byte) 0, (byte) 0,
                (byte) 0), "malformed STREAM_WINDOW frame: bytes 2147483648 out of range 0..2147483647");
        assertMalformed(rawFrame(0x23, (byte) 0, (byte) 0, (byte) 0, (byte) 1, (byte) 9),
                "malformed STREAM_END frame: truncated reading bytes (need 8 bytes, 1 left)");
        assertMalformed(rawFrame(0x25, (byte) 0, (byte) 0, (byte) 0, (byte) 0),
                "malformed STREAM_OPENED frame: stream id 0 is reserved");
        assertMalformed(rawFrame(0x20, (byte) 0, (byte) 0, (byte) 0, (byte) 1, (byte) 0, (byte) 1, (byte) 'c'),
                "malformed STREAM_OPEN frame: truncated reading address length (need 2 bytes, 0 left)");
        assertMalformed(rawFrame(0x24, (byte) 0, (byte) 0, (byte) 0, (byte) 1, (byte) 0),
                "malformed STREAM_RESET frame: truncated reading reason (need 2 bytes, 1 left)");
    }
}
