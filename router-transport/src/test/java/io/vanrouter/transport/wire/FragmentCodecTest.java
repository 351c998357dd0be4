package io.vanrouter.transport.wire;

import static io.vanrouter.transport.wire.WireTestSupport.preamble;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import io.vanrouter.core.address.Address;
import io.vanrouter.core.address.AddressEntry;
import io.vanrouter.core.linkstate.LinkState;
import io.vanrouter.core.message.AddressSnapshot;
import io.vanrouter.core.message.AddressUpdate;
import io.vanrouter.core.message.Hello;
import io.vanrouter.core.message.LinkStateUpdate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** FRAGMENT (0x04): control frames above the frame limit, sent in pieces and reassembled. */
class FragmentCodecTest {
    private static final int LIMIT = 4_096;

    private static AddressSnapshot snapshotOf(int entries) {
        List<AddressEntry> list = new ArrayList<>();
        for (int i = 0; i < entries; i++) {
            list.add(new AddressEntry(Address.topicFilter("devices/" + i + "/cmd"), 1 + i % 3));
        }
        return new AddressSnapshot("router-a", 7, 42, list);
    }

    private static ByteBuf encode(int limit, Object... messages) {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameEncoder(limit));
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

    private static List<Object> decodeInPieces(ByteBuf bytes, long seed) {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(LIMIT));
        channel.writeInbound(preamble());
        Random random = new Random(seed);
        while (bytes.isReadable()) {
            channel.writeInbound(bytes.readRetainedSlice(Math.min(bytes.readableBytes(), 1 + random.nextInt(9_000))));
        }
        bytes.release();
        List<Object> out = new ArrayList<>();
        for (Object message = channel.readInbound(); message != null; message = channel.readInbound()) {
            out.add(message);
        }
        assertThat(channel.finishAndReleaseAll()).isFalse();
        return out;
    }

    @Test
    void shouldRoundTripControlFramesLargerThanTheLimit() {
        AddressSnapshot snapshot = snapshotOf(2_000); // about 50 KB: 13 fragments of 4 KiB
        AddressUpdate update = new AddressUpdate("router-a", 7, 43, snapshotOf(1_500).entries(),
                List.of(Address.plain("gone")));
        Map<String, Integer> peers = new java.util.HashMap<>();
        for (int i = 0; i < 600; i++) {
            peers.put("edge-router-" + i, 1 + i);
        }
        LinkStateUpdate linkState = new LinkStateUpdate(new LinkState("hub", 3, 9, peers));
        Hello small = new Hello("router-a", 7, List.of("b"));

        ByteBuf wire = encode(LIMIT, small, snapshot, small, update, linkState, small);
        assertThat(wire.readableBytes()).isGreaterThan(20 * LIMIT);

        for (long seed = 0; seed < 5; seed++) {
            assertThat(decodeInPieces(wire.retainedDuplicate(), seed))
                    .containsExactly(small, snapshot, small, update, linkState, small);
        }
        wire.release();
    }

    @Test
    void shouldStillRefuseToWriteAnOversizedFrameOfAnUnfragmentableType() {
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            seen.add("neighbour-with-a-long-name-" + i + "-" + "x".repeat(100));
        }
        EmbeddedChannel channel = new EmbeddedChannel(new FrameEncoder(LIMIT));
        assertThatThrownBy(() -> channel.writeOutbound(new Hello("a", 1, seen)))
                .isInstanceOf(EncoderException.class).hasMessageContaining("exceeds limit " + LIMIT);
        channel.finishAndReleaseAll();
    }

    @Test
    void shouldRefuseToWriteAFrameBeyondTheReassemblyLimit() {
        AddressSnapshot huge = snapshotOf(4_000); // about 100 KB, above 16 x 4 KiB
        EmbeddedChannel channel = new EmbeddedChannel(new FrameEncoder(LIMIT));
        assertThatThrownBy(() -> channel.writeOutbound(huge)).isInstanceOf(EncoderException.class)
                .hasMessageContaining("exceeds limit " + LIMIT);
        channel.finishAndReleaseAll();
    }

    @Test
    void shouldRejectAFrameBetweenFragments() {
        ByteBuf fragments = encode(LIMIT, snapshotOf(2_000));
        ByteBuf hello = encode(LIMIT, new Hello("x", 1, List.of()));
        ByteBuf firstFragment = fragments.readRetainedSlice(4 + fragments.getInt(0));
        fragments.release();
        assertFault(Unpooled.wrappedBuffer(firstFragment, hello), ReasonCode.MALFORMED_FRAME,
                "malformed frame: HELLO inside a fragmented frame (fragments must be consecutive)");
    }

    @Test
    void shouldRejectEvenAnOptionalFrameBetweenFragments() {
        ByteBuf fragments = encode(LIMIT, snapshotOf(2_000));
        ByteBuf firstFragment = fragments.readRetainedSlice(4 + fragments.getInt(0));
        fragments.release();
        ByteBuf optional = WireTestSupport.rawFrame(0x90, (byte) 1);
        assertFault(Unpooled.wrappedBuffer(firstFragment, optional), ReasonCode.MALFORMED_FRAME,
                "malformed frame: frame type 0x90 inside a fragmented frame (fragments must be consecutive)");
    }

    @Test
    void shouldRejectReassemblyBeyondTheLimitWithoutBufferingMore() {
        // The decoder allocates its reassembly buffer from the input's allocator: record how large it had to grow.
        RecordingAllocator allocator = new RecordingAllocator();
        ByteBuf fragments = allocator.heapBuffer();
        byte[] piece = new byte[LIMIT - 2];
        for (int i = 0; i <= WireLimits.FRAGMENTED_FRAME_FACTOR; i++) {
            fragments.writeInt(piece.length + 2).writeByte(FrameType.FRAGMENT.code())
                    .writeByte(WireLimits.FRAGMENT_MORE).writeBytes(piece);
        }
        allocator.largestRequest = 0; // the input itself is not the decoder's
        assertFault(fragments, ReasonCode.FRAME_TOO_LARGE, "fragmented frame of more than "
                + (long) (WireLimits.FRAGMENTED_FRAME_FACTOR + 1) * piece.length + " bytes exceeds limit "
                + WireLimits.reassembledBytesMax(LIMIT));
        assertThat(allocator.largestRequest).as("bytes the decoder made room for")
                .isPositive().isLessThanOrEqualTo(WireLimits.reassembledBytesMax(LIMIT));
    }

    /** Heap buffers that record the largest capacity any of them was created with or had to grow to. */
    private static final class RecordingAllocator extends AbstractByteBufAllocator {
        long largestRequest;

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            largestRequest = Math.max(largestRequest, initialCapacity);
            return new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            return newHeapBuffer(initialCapacity, maxCapacity);
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }

        @Override
        public int calculateNewCapacity(int minNewCapacity, int maxCapacity) {
            largestRequest = Math.max(largestRequest, minNewCapacity); // what a write needs, before any rounding up
            return super.calculateNewCapacity(minNewCapacity, maxCapacity);
        }
    }

    @Test
    void shouldRejectAFragmentedFrameOfAnUnfragmentableType() {
        ByteBuf hello = encode(LIMIT, new Hello("x", 1, List.of()));
        ByteBuf fragment = Unpooled.buffer().writeInt(hello.readableBytes() + 2).writeByte(FrameType.FRAGMENT.code())
                .writeByte(0).writeBytes(hello);
        hello.release();
        assertFault(fragment, ReasonCode.MALFORMED_FRAME,
                "malformed FRAGMENT frames: frame type 0x10 may not be fragmented");
    }

    @Test
    void shouldRejectAReassembledFrameWhoseLengthDisagrees() {
        ByteBuf fragment = Unpooled.buffer().writeInt(2 + 9).writeByte(FrameType.FRAGMENT.code()).writeByte(0)
                .writeInt(100).writeByte(FrameType.ADDRESS_SNAPSHOT.code()).writeInt(0);
        assertFault(fragment, ReasonCode.MALFORMED_FRAME,
                "malformed FRAGMENT frames: reassembled frame says 100 bytes, fragments carried 5");
    }

    @Test
    void shouldRejectUnknownFragmentFlags() {
        ByteBuf fragment = Unpooled.buffer().writeInt(3).writeByte(FrameType.FRAGMENT.code()).writeByte(0x80)
                .writeByte(0);
        assertFault(fragment, ReasonCode.MALFORMED_FRAME, "malformed FRAGMENT frame: flags 0x80");
    }

    private static void assertFault(ByteBuf input, ReasonCode reason, String message) {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(LIMIT));
        channel.writeInbound(preamble());
        assertThatThrownBy(() -> channel.writeInbound(input)).isInstanceOfSatisfying(WireException.class, e -> {
            assertThat(e.getMessage()).isEqualTo(message);
            assertThat(e.reason()).isEqualTo(reason);
        });
        channel.finishAndReleaseAll();
    }
}
