package io.vanrouter.transport.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ReferenceCountUtil;
import io.vanrouter.transport.wire.FrameDecoder;
import io.vanrouter.transport.wire.WireException;
import io.vanrouter.transport.wire.WireLimits;
import java.lang.reflect.Field;

/**
 * Jazzer fuzz target for the inter-router frame decoder, run by hand in the {@code fuzz} Maven profile (see
 * docs/reliability.md). A finding is any exception other than the documented refusal ({@link WireException}), a
 * second exception after a refusal, or the decoder holding more than one frame's bytes or more than the reassembly
 * limit. The first input byte chooses the size of the pieces the rest arrives in, so splits are fuzzed too.
 * Without {@code JAZZER_FUZZ=1} Jazzer replays the seed corpus in {@code FrameDecoderFuzzTestInputs}.
 */
class FrameDecoderFuzzTest {
    /** Small, so that the fuzzer reaches FRAGMENT reassembly and its limit with short inputs. */
    private static final int LIMIT = 256;
    private static final Field CUMULATION = field(ByteToMessageDecoder.class, "cumulation");
    private static final Field REASSEMBLY = field(FrameDecoder.class, "reassembly");

    @FuzzTest(maxDuration = "2m")
    void fuzzFrameDecoder(byte[] input) throws IllegalAccessException {
        if (input.length == 0) {
            return;
        }
        int piece = 1 + (input[0] & 0xFF);
        FrameDecoder decoder = new FrameDecoder(LIMIT);
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        boolean refused = false;
        try {
            for (int at = 1; at < input.length; at += piece) {
                int n = Math.min(piece, input.length - at);
                try {
                    channel.writeInbound(Unpooled.copiedBuffer(input, at, n));
                } catch (WireException e) {
                    if (refused) {
                        throw new AssertionError("second exception after a refusal", e);
                    }
                    refused = true;
                }
                checkBounded(decoder);
                for (Object m = channel.readInbound(); m != null; m = channel.readInbound()) {
                    ReferenceCountUtil.release(m);
                }
            }
        } finally {
            channel.finishAndReleaseAll();
        }
        if (REASSEMBLY.get(decoder) != null) {
            throw new AssertionError("reassembly buffer not released with the decoder");
        }
    }

    private static void checkBounded(FrameDecoder decoder) throws IllegalAccessException {
        ByteBuf cumulation = (ByteBuf) CUMULATION.get(decoder);
        if (cumulation != null && cumulation.readableBytes() > LIMIT + WireLimits.LENGTH_FIELD_BYTES) {
            throw new AssertionError("decoder holds " + cumulation.readableBytes() + " bytes");
        }
        ByteBuf reassembly = (ByteBuf) REASSEMBLY.get(decoder);
        if (reassembly != null && reassembly.readableBytes() > WireLimits.reassembledBytesMax(LIMIT)) {
            throw new AssertionError("reassembly holds " + reassembly.readableBytes() + " bytes");
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
