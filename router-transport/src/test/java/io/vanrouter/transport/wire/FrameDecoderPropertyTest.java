package io.vanrouter.transport.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ReferenceCountUtil;
import io.vanrouter.transport.prop.Mutations;
import io.vanrouter.transport.prop.PropertyRun;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Seeded properties of the inter-router frame codec, over every frame type including FRAGMENT (a small frame limit
 * makes large LINK_STATE and ADDRESS_SNAPSHOT values travel in fragments): random valid frames round-trip through
 * the encoders and the decoder however the bytes are split; mutated and random input is either decoded or refused
 * with a {@link WireException} (never another exception, never a second one), and the decoder never holds more
 * than one frame's bytes (plus the reassembly limit for fragments). Seed printed; {@code -Dprop.seed=N} replays.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FrameDecoderPropertyTest {
    private static final int LIMIT = 2048;
    private static final Field CUMULATION = field(ByteToMessageDecoder.class, "cumulation");
    private static final Field REASSEMBLY = field(FrameDecoder.class, "reassembly");

    @Test
    void shouldRoundTripRandomFramesSplitAtRandomOffsets() {
        PropertyRun.check("frame round trip", 300, (random, n) -> {
            List<Object> frames = RandomFrames.frames(random, 1 + random.nextInt(6));
            List<Object> expected = frames.stream().map(RandomFrames::normalise).toList();
            byte[] wire = RandomFrames.encode(frames, LIMIT);
            Outcome outcome = decode(wire, Mutations.cuts(random, wire.length));
            assertThat(outcome.refusal).isNull();
            assertThat(outcome.decoded).containsExactlyElementsOf(expected);
        });
    }

    @Test
    void shouldDecodeOrRefuseMutatedFramesWithinLimits() {
        Map<ReasonCode, Integer> refusals = new EnumMap<>(ReasonCode.class);
        int[] accepted = new int[1];
        PropertyRun.check("frame mutations", 1_200, (random, n) -> {
            byte[] input = hostileInput(random);
            Outcome outcome = decode(input, Mutations.cuts(random, input.length));
            if (outcome.refusal == null) {
                accepted[0]++;
            } else {
                assertThat(outcome.refusal.getMessage()).isNotBlank();
                refusals.merge(outcome.refusal.reason(), 1, Integer::sum);
            }
        });
        System.out.println("[prop] frame mutations: " + accepted[0] + " decoded without fault, refused: " + refusals);
        assertThat(refusals).as("the mutations reach past the preamble").containsKeys(ReasonCode.MALFORMED_FRAME,
                ReasonCode.FRAME_TOO_LARGE, ReasonCode.PROTOCOL_ERROR);
    }

    /** Mutated valid frames, or (one case in ten) a preamble followed by random bytes. */
    private static byte[] hostileInput(Random random) {
        if (random.nextInt(10) == 0) {
            byte[] noise = Mutations.randomBytes(random, random.nextInt(200));
            byte[] wire = RandomFrames.encode(List.of(), LIMIT);
            byte[] out = java.util.Arrays.copyOf(wire, wire.length + noise.length);
            System.arraycopy(noise, 0, out, wire.length, noise.length);
            return out;
        }
        byte[] valid = RandomFrames.encode(RandomFrames.frames(random, 1 + random.nextInt(4)), LIMIT);
        byte[] other = RandomFrames.encode(RandomFrames.frames(random, 1 + random.nextInt(2)), LIMIT);
        return Mutations.mutate(valid, other, RandomFrames.lengthFieldOffsets(valid), random);
    }

    private record Outcome(List<Object> decoded, WireException refusal) {
    }

    /**
     * Feeds {@code wire} to a fresh decoder in the pieces given by {@code cuts}, checking its buffers after each
     * piece. Returns what it decoded (normalised, buffers released) and its refusal, if any.
     */
    private static Outcome decode(byte[] wire, int[] cuts) throws Exception {
        FrameDecoder decoder = new FrameDecoder(LIMIT);
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        List<Object> decoded = new ArrayList<>();
        WireException refusal = null;
        try {
            for (int i = 0; i + 1 < cuts.length; i++) {
                ByteBuf piece = ByteBufAllocator.DEFAULT.buffer(cuts[i + 1] - cuts[i]);
                piece.writeBytes(wire, cuts[i], cuts[i + 1] - cuts[i]);
                try {
                    channel.writeInbound(piece);
                } catch (WireException e) {
                    assertThat(refusal).as("a decoder that refused stays quiet").isNull();
                    refusal = e;
                }
                assertBounded(decoder);
                for (Object m = channel.readInbound(); m != null; m = channel.readInbound()) {
                    decoded.add(RandomFrames.normalise(m));
                    ReferenceCountUtil.release(m);
                }
            }
        } finally {
            channel.finishAndReleaseAll();
        }
        assertThat(REASSEMBLY.get(decoder)).as("reassembly released with the decoder").isNull();
        return new Outcome(decoded, refusal);
    }

    /** The cumulation holds less than one frame; the reassembly at most the reassembly limit. */
    private static void assertBounded(FrameDecoder decoder) throws IllegalAccessException {
        ByteBuf cumulation = (ByteBuf) CUMULATION.get(decoder);
        if (cumulation != null) {
            assertThat(cumulation.readableBytes()).as("bytes held by the decoder")
                    .isLessThanOrEqualTo(LIMIT + WireLimits.LENGTH_FIELD_BYTES);
        }
        ByteBuf reassembly = (ByteBuf) REASSEMBLY.get(decoder);
        if (reassembly != null) {
            long max = WireLimits.reassembledBytesMax(LIMIT);
            assertThat((long) reassembly.readableBytes()).as("reassembled bytes").isLessThanOrEqualTo(max);
            assertThat((long) reassembly.capacity()).as("reassembly capacity").isLessThanOrEqualTo(2 * max);
        }
    }

    private static Field field(Class<?> type, String name) {
        try {
            Field field = type.getDeclaredField(name);
            field.setAccessible(true);
            return field;
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException(e);
        }
    }
}
