package io.vanrouter.transport.wire;

import static io.vanrouter.transport.wire.WireTestSupport.decode;
import static io.vanrouter.transport.wire.WireTestSupport.encode;
import static io.vanrouter.transport.wire.WireTestSupport.preamble;
import static io.vanrouter.transport.wire.WireTestSupport.rawFrame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vanrouter.core.address.Address;
import io.vanrouter.core.address.AddressEntry;
import io.vanrouter.core.linkstate.LinkState;
import io.vanrouter.core.message.AddressSnapshot;
import io.vanrouter.core.message.AddressSyncRequest;
import io.vanrouter.core.message.AddressUpdate;
import io.vanrouter.core.message.Hello;
import io.vanrouter.core.message.LinkStateUpdate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FrameCodecTest {
    private static final List<Object> EVERY_FRAME = List.of(
            new HandshakeFrame(0, 7, 0x0102030405060708L, "router-a", "demo"),
            new HandshakeFrame(0, 3, 9, "b", "demo", HandshakeFrame.ROLE_LINK, 2, 100, 1_000,
                    HandshakeFrame.FEATURE_STREAM_CONNECTIONS, 0),
            new HandshakeFrame(0, 3, 9, "b", "demo", HandshakeFrame.ROLE_STREAM, 2, 100, 1_000,
                    HandshakeFrame.FEATURE_STREAM_CONNECTIONS, 0xFFFF_FFFD),
            ReasonFrame.refuse(ReasonCode.NETWORK_MISMATCH, "peer network 'x' differs from 'y'"),
            ReasonFrame.close(ReasonCode.SHUTDOWN, "router shutting down"),
            new Hello("router-ä", -1L, List.of("b", "c", "")),
            new Hello("a", 0, List.of()),
            new LinkStateUpdate(new LinkState("a", 42, Long.MAX_VALUE, Map.of("b", 1, "c", Integer.MAX_VALUE))),
            new LinkStateUpdate(new LinkState("z", 1, 0, Map.of())),
            new LinkStateUpdate(new LinkState("y", 3, 9, Map.of("x", 2), 17)),
            new AddressUpdate("a", 42, 7, List.of(new AddressEntry(Address.plain("backend"), 2),
                    new AddressEntry(Address.sharedFilter("g", "orders/+/eu"), 1)),
                    List.of(Address.topicFilter("telemetry/#"))),
            new AddressSnapshot("b", 5, 0, List.of()),
            new AddressSnapshot("c", 6, 3, List.of(new AddressEntry(Address.plain("db"), 1))),
            new AddressSyncRequest("a"),
            new LinkCostFrame(10));

    @Test
    void shouldRoundTripEveryFrameType() {
        List<Object> messages = new ArrayList<>();
        messages.add(Preamble.CURRENT);
        messages.addAll(EVERY_FRAME);

        assertThat(decode(encode(messages.toArray()))).containsExactlyElementsOf(EVERY_FRAME);
    }

    @Test
    void shouldEncodeHandshakeAsDocumented() {
        ByteBuf bytes = encode(Preamble.CURRENT, new HandshakeFrame(0, 1, 1, "a", "demo", HandshakeFrame.ROLE_LINK,
                2, 1_000, 3_000));
        try {
            // Matches the annotated example in docs/protocol.md.
            assertThat(ByteBufUtil.hexDump(bytes)).isEqualTo("56414e520001" + "00000021" + "01" + "00" + "00000001"
                    + "0000000000000001" + "000161" + "000464656d6f" + "00" + "02" + "000003e8" + "00000bb8");
        } finally {
            bytes.release();
        }
    }

    @Test
    void shouldReadAHandshakeWithoutTheAppendedFieldsAsALinkWithoutDataConnections() {
        // What a router from before data connections sends: the fields end after the network name.
        ByteBuf old = Unpooled.buffer().writeBytes(ByteBufUtil.decodeHexDump("56414e520001" + "00000017" + "01" + "00"
                + "00000001" + "0000000000000001" + "000161" + "000464656d6f"));
        assertThat(decode(old)).containsExactly(new HandshakeFrame(0, 1, 1, "a", "demo",
                HandshakeFrame.ROLE_LINK, 0));
    }

    @Test
    void shouldReadAHandshakeWithoutTheIntervalsAsAnnouncingNone() {
        // What a router from before the intervals sends: the fields end after dataConnections.
        ByteBuf old = Unpooled.buffer().writeBytes(ByteBufUtil.decodeHexDump("56414e520001" + "00000019" + "01" + "01"
                + "00000001" + "0000000000000001" + "000165" + "000464656d6f" + "00" + "02"));
        assertThat(decode(old)).containsExactly(new HandshakeFrame(1, 1, 1, "e", "demo",
                HandshakeFrame.ROLE_LINK, 2, 0, 0));
    }

    @Test
    void shouldIgnoreHandshakeFieldsOfALaterVersionAfterTheFeatures() {
        ByteBuf later = Unpooled.buffer().writeBytes(ByteBufUtil.decodeHexDump("56414e520001" + "00000025" + "01"
                + "01" + "00000001" + "0000000000000001" + "000165" + "000464656d6f" + "00" + "00" + "00001388"
                + "00003a98" + "02" + "abcdef"));
        assertThat(decode(later)).containsExactly(new HandshakeFrame(1, 1, 1, "e", "demo",
                HandshakeFrame.ROLE_LINK, 0, 5_000, 15_000, HandshakeFrame.FEATURE_STREAM_CONNECTIONS, 0));
    }

    @Test
    void shouldEncodeAStreamConnectionHandshakeAsDocumented() {
        ByteBuf bytes = encode(new HandshakeFrame(0, 1, 1, "a", "demo", HandshakeFrame.ROLE_STREAM, 2, 1_000, 3_000,
                HandshakeFrame.FEATURE_STREAM_CONNECTIONS, 5));
        try {
            // Matches the annotated example in docs/protocol.md, section 5.3.
            assertThat(ByteBufUtil.hexDump(bytes)).isEqualTo("00000026" + "01" + "00" + "00000001"
                    + "0000000000000001" + "000161" + "000464656d6f" + "02" + "02" + "000003e8" + "00000bb8" + "02"
                    + "00000005");
        } finally {
            bytes.release();
        }
    }

    @Test
    void shouldRejectAStreamConnectionHandshakeWithoutItsStreamId() {
        ByteBuf bytes = Unpooled.buffer().writeBytes(ByteBufUtil.decodeHexDump("56414e520001" + "00000022" + "01"
                + "00" + "00000001" + "0000000000000001" + "000161" + "000464656d6f" + "02" + "02" + "000003e8"
                + "00000bb8" + "01"));
        assertThatThrownBy(() -> decode(bytes)).hasMessageContaining("streamId");
    }

    /**
     * A stream connection's raw bytes may come in the same read as the HANDSHAKE that answers it: the decoder stops
     * after a HANDSHAKE, so the handler that removes it on the HANDSHAKE gets those bytes as they are.
     */
    @Test
    void shouldLeaveTheBytesAfterAHandshakeUndecodedForTheHandlerThatRemovesTheDecoder() {
        List<Object> seen = new ArrayList<>();
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(WireTestSupport.LIMIT),
                new io.netty.channel.ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
                        seen.add(msg);
                        if (msg instanceof HandshakeFrame) {
                            ctx.pipeline().remove(FrameDecoder.class); // hands on what it holds, undecoded
                        }
                    }
                });
        ByteBuf wire = encode(Preamble.CURRENT,
                new HandshakeFrame(0, 1, 1, "a", "demo", HandshakeFrame.ROLE_STREAM, 2, 0, 0, 1, 7));
        wire.writeBytes(new byte[] {0, 0, 0, 0x7f, 1, 2, 3}); // raw bytes that would read as an oversized frame
        channel.writeInbound(wire);
        assertThat(seen).hasSize(2);
        assertThat(seen.get(0)).isInstanceOf(HandshakeFrame.class);
        ByteBuf raw = (ByteBuf) seen.get(1);
        assertThat(ByteBufUtil.hexDump(raw)).isEqualTo("0000007f010203");
        raw.release();
        channel.finishAndReleaseAll();
    }

    @Test
    void shouldIgnoreHandshakeFieldsOfALaterVersionAfterTheDataConnectionFields() {
        ByteBuf later = Unpooled.buffer().writeBytes(ByteBufUtil.decodeHexDump("56414e520001" + "0000001c" + "01"
                + "00" + "00000001" + "0000000000000001" + "000161" + "000464656d6f" + "01" + "04" + "abcdef"));
        assertThat(decode(later)).containsExactly(new HandshakeFrame(0, 1, 1, "a", "demo",
                HandshakeFrame.ROLE_DATA, 4));
    }

    @Test
    void shouldDecodeEveryFrameSplitAtEveryByteOffset() {
        List<Object> messages = new ArrayList<>();
        messages.add(Preamble.CURRENT);
        messages.addAll(EVERY_FRAME);
        ByteBuf whole = encode(messages.toArray());
        whole.writeBytes(rawFrame(0x85, (byte) 1, (byte) 2, (byte) 3)); // an optional frame, skipped
        whole.writeBytes(encode(new Hello("after-skip", 1, List.of())));
        try {
            for (int split = 0; split <= whole.readableBytes(); split++) {
                EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(WireTestSupport.LIMIT));
                channel.writeInbound(whole.retainedSlice(0, split));
                channel.writeInbound(whole.retainedSlice(split, whole.readableBytes() - split));
                List<Object> decoded = new ArrayList<>();
                for (Object m = channel.readInbound(); m != null; m = channel.readInbound()) {
                    decoded.add(m);
                }
                List<Object> expected = new ArrayList<>(EVERY_FRAME);
                expected.add(new Hello("after-skip", 1, List.of()));
                assertThat(decoded).as("split at %d", split).containsExactlyElementsOf(expected);
                assertThat(channel.finishAndReleaseAll()).isFalse();
            }
        } finally {
            whole.release();
        }
    }

    @Test
    void shouldDecodeFramesFedOneByteAtATime() {
        ByteBuf whole = encode(Preamble.CURRENT, EVERY_FRAME.get(5), EVERY_FRAME.get(3));
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(WireTestSupport.LIMIT));
        while (whole.isReadable()) {
            channel.writeInbound(whole.readRetainedSlice(1));
        }
        whole.release();
        Object first = channel.readInbound();
        Object second = channel.readInbound();
        assertThat(first).isEqualTo(EVERY_FRAME.get(5));
        assertThat(second).isEqualTo(EVERY_FRAME.get(3));
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void shouldRejectGarbagePreambleAtFirstWrongByte() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(WireTestSupport.LIMIT));
        assertWireFault(channel, Unpooled.wrappedBuffer(new byte[] {'V', 'X'}), ReasonCode.MALFORMED_FRAME,
                "bad preamble");
        ByteBuf more = Unpooled.wrappedBuffer("anything".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        channel.writeInbound(more);
        assertThat(more.refCnt()).as("bytes after a fault are discarded").isZero();
        Object decoded = channel.readInbound();
        assertThat(decoded).isNull();
        channel.finishAndReleaseAll();
    }

    @Test
    void shouldRejectUnsupportedVersion() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(WireTestSupport.LIMIT));
        ByteBuf preamble = Unpooled.buffer().writeBytes(WireLimits.MAGIC).writeShort(2);
        assertWireFault(channel, preamble, ReasonCode.UNSUPPORTED_VERSION,
                "peer speaks protocol version 2; this router speaks 1");
        channel.finishAndReleaseAll();
    }

    @Test
    void shouldRejectOversizedFrameWithoutBufferingIt() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(1024));
        channel.writeInbound(preamble());
        ByteBuf header = Unpooled.buffer().writeInt(1025).writeByte(FrameType.HELLO.code()).writeZero(500);
        assertWireFault(channel, header, ReasonCode.FRAME_TOO_LARGE, "frame of 1025 bytes exceeds limit 1024");
        assertThat(header.refCnt()).as("nothing buffered").isZero();
        channel.finishAndReleaseAll();
    }

    @Test
    void shouldRejectLengthAboveSignedIntRange() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(WireTestSupport.LIMIT));
        channel.writeInbound(preamble());
        assertWireFault(channel, Unpooled.buffer().writeInt(0xFFFFFFFF), ReasonCode.FRAME_TOO_LARGE,
                "frame of 4294967295 bytes exceeds limit 1048576");
        channel.finishAndReleaseAll();
    }

    @Test
    void shouldRejectZeroLengthFrame() {
        assertMalformed(Unpooled.buffer().writeInt(0), "malformed frame: length 0 has no type byte");
    }

    @Test
    void shouldSkipUnknownOptionalFrameType() {
        ByteBuf bytes = preamble().writeBytes(rawFrame(0xFE, new byte[300]))
                .writeBytes(rawFrame(0xF0)).writeBytes(encode(new Hello("a", 1, List.of())));
        assertThat(decode(bytes)).containsExactly(new Hello("a", 1, List.of()));
    }

    @Test
    void shouldRefuseUnknownMandatoryFrameType() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(WireTestSupport.LIMIT));
        channel.writeInbound(preamble());
        assertWireFault(channel, rawFrame(0x42, (byte) 0), ReasonCode.PROTOCOL_ERROR, "unknown frame type 0x42");
        channel.finishAndReleaseAll();
    }

    @Test
    void shouldRejectTruncatedHandshake() {
        assertMalformed(rawFrame(FrameType.HANDSHAKE.code(), (byte) 0, (byte) 0, (byte) 0),
                "malformed HANDSHAKE frame: truncated reading cost (need 4 bytes, 2 left)");
    }

    @Test
    void shouldIgnoreTrailingBytesOfHandshake() {
        HandshakeFrame sent = new HandshakeFrame(0, 1, 9, "a", "n", HandshakeFrame.ROLE_LINK, 0, 0, 0,
                HandshakeFrame.FEATURE_STREAM_CONNECTIONS, 0);
        ByteBuf frame = encode(sent);
        frame.setInt(0, frame.getInt(0) + 3);
        frame.writeBytes(new byte[] {1, 2, 3}); // fields of a later version, after the last one this version knows
        assertThat(decode(preamble().writeBytes(frame))).containsExactly(sent);
        frame.release();
    }

    @Test
    void shouldRejectTrailingBytesOfHello() {
        ByteBuf frame = encode(new Hello("a", 1, List.of()));
        frame.setInt(0, frame.getInt(0) + 1);
        frame.writeByte(0);
        assertMalformed(frame, "malformed HELLO frame: 1 unexpected trailing bytes");
    }

    @Test
    void shouldRejectHelloCountPastTheEnd() {
        ByteBuf payload = Unpooled.buffer().writeShort(1).writeByte('a').writeLong(1).writeShort(1000);
        assertMalformed(rawFrame(FrameType.HELLO.code(), ByteBufUtil.getBytes(payload)),
                "malformed HELLO frame: seen count 1000 needs at least 2000 bytes but 0 are left");
        payload.release();
    }

    @Test
    void shouldRejectLinkStateCountPastTheEnd() {
        ByteBuf payload = Unpooled.buffer().writeShort(1).writeByte('a').writeLong(1).writeLong(1).writeLong(0)
                .writeInt(0xFFFFFFFF);
        assertMalformed(rawFrame(FrameType.LINK_STATE.code(), ByteBufUtil.getBytes(payload)),
                "malformed LINK_STATE frame: peer count 4294967295 needs at least 25769803770 bytes but 0 are left");
        payload.release();
    }

    @Test
    void shouldRejectBadUtf8() {
        ByteBuf payload = Unpooled.buffer().writeShort(2).writeByte(0xC3).writeByte(0x28).writeLong(1).writeShort(0);
        assertMalformed(rawFrame(FrameType.HELLO.code(), ByteBufUtil.getBytes(payload)),
                "malformed HELLO frame: routerId is not valid UTF-8");
        payload.release();
    }

    @Test
    void shouldRejectOverlongRouterId() {
        ByteBuf payload = Unpooled.buffer().writeShort(256).writeZero(256).writeLong(1).writeShort(0);
        assertMalformed(rawFrame(FrameType.HELLO.code(), ByteBufUtil.getBytes(payload)),
                "malformed HELLO frame: routerId of 256 bytes exceeds limit 255");
        payload.release();
    }

    @Test
    void shouldRejectUnknownAddressKind() {
        ByteBuf payload = Unpooled.buffer().writeShort(1).writeByte('a').writeLong(1).writeLong(1).writeInt(1)
                .writeByte(9).writeShort(1).writeByte('x').writeShort(0).writeInt(1).writeInt(0);
        assertMalformed(rawFrame(FrameType.ADDRESS_UPDATE.code(), ByteBufUtil.getBytes(payload)),
                "malformed ADDRESS_UPDATE frame: adds[0] has unknown kind 9");
        payload.release();
    }

    @Test
    void shouldRejectZeroCostInLinkState() {
        ByteBuf payload = Unpooled.buffer().writeShort(1).writeByte('a').writeLong(1).writeLong(1).writeLong(0)
                .writeInt(1).writeShort(1).writeByte('b').writeInt(0);
        assertMalformed(rawFrame(FrameType.LINK_STATE.code(), ByteBufUtil.getBytes(payload)),
                "malformed LINK_STATE frame: peers[0] cost 0 out of range 1..2147483647");
        payload.release();
    }

    @Test
    void shouldTruncateLongReasonTextAtCharacterBoundary() {
        String text = "é".repeat(WireLimits.REASON_TEXT_BYTES_MAX);
        List<Object> decoded = decode(encode(Preamble.CURRENT, ReasonFrame.close(ReasonCode.SHUTDOWN, text)));
        ReasonFrame frame = (ReasonFrame) decoded.get(0);
        assertThat(frame.text()).isEqualTo("é".repeat(WireLimits.REASON_TEXT_BYTES_MAX / 2));
    }

    private static void assertMalformed(ByteBuf frame, String message) {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(WireTestSupport.LIMIT));
        channel.writeInbound(preamble());
        assertWireFault(channel, frame, message.startsWith("malformed") ? ReasonCode.MALFORMED_FRAME : null,
                message);
        channel.finishAndReleaseAll();
    }

    private static void assertWireFault(EmbeddedChannel channel, ByteBuf input, ReasonCode reason, String message) {
        assertThatThrownBy(() -> channel.writeInbound(input))
                .isInstanceOfSatisfying(WireException.class, e -> {
                    assertThat(e.getMessage()).isEqualTo(message);
                    if (reason != null) {
                        assertThat(e.reason()).isEqualTo(reason);
                    }
                });
    }
}
