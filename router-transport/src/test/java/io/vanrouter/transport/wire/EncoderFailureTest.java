package io.vanrouter.transport.wire;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import io.vanrouter.core.message.Hello;
import io.vanrouter.transport.LogCapture;
import io.vanrouter.transport.message.MessageFrame;
import io.vanrouter.transport.netty.ExceptionHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A frame that cannot be encoded is dropped, counted and logged, and fails only its own write: the link's channel
 * stays open and the next frame goes out. The pipeline ends with the real {@link ExceptionHandler}, as on a link, so
 * an error raised into it would close the channel.
 */
@Timeout(30)
class EncoderFailureTest {
    private static final int LIMIT = 4_096;

    private final EncodeFailures failures = new EncodeFailures("r1");
    private final EmbeddedChannel channel = new EmbeddedChannel(new FrameEncoder(LIMIT, failures),
            new ExceptionHandler("r1"));
    private final LogCapture log = new LogCapture("vanrouter.link");

    /** One unencodable frame per family (control, STREAM_DATA, MESSAGE); the function takes the buffer it must own so the test can see it freed. */
    static Stream<Arguments> unencodable() {
        return Stream.of(
                Arguments.of("MESSAGE above the frame limit", (Function<ByteBuf, Object>)
                        payload -> new MessageFrame(1, false, 8, "r1", 1, "big/topic", "", "", payload), LIMIT),
                Arguments.of("STREAM_DATA above its limit", (Function<ByteBuf, Object>)
                        payload -> new StreamFrame.Data(5, payload), WireLimits.STREAM_DATA_BYTES_MAX + 1),
                Arguments.of("HELLO above the frame limit", (Function<ByteBuf, Object>)
                        payload -> {
                            payload.release(); // HELLO holds no buffer
                            return new Hello("r1", 1, manyNeighbours());
                        }, 1));
    }

    private static List<String> manyNeighbours() {
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            seen.add("neighbour-" + i + "-" + "x".repeat(200));
        }
        return seen;
    }

    @AfterEach
    void tearDown() {
        log.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unencodable")
    void shouldFailTheWriteAndKeepTheLinkOpen(String name, Function<ByteBuf, Object> frameOf, int payloadBytes) {
        ByteBuf payload = Unpooled.buffer(payloadBytes).writeZero(payloadBytes);

        ChannelFuture write = channel.writeAndFlush(frameOf.apply(payload));

        assertThat(write.isDone()).isTrue();
        assertThat(write.cause()).isInstanceOf(EncoderException.class).hasMessageContaining("exceeds limit");
        assertLinkUnharmed(payload);
    }

    /** Links write MESSAGE frames with a void promise: failing it would fire the error down the pipeline. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("unencodable")
    void shouldDropAFrameWrittenWithAVoidPromiseAndKeepTheLinkOpen(String name, Function<ByteBuf, Object> frameOf,
            int payloadBytes) {
        ByteBuf payload = Unpooled.buffer(payloadBytes).writeZero(payloadBytes);

        channel.writeAndFlush(frameOf.apply(payload), channel.voidPromise());

        assertLinkUnharmed(payload);
    }

    private void assertLinkUnharmed(ByteBuf payload) {
        assertThat(payload.refCnt()).as("the dropped frame's payload is released").isZero();
        assertThat(channel.isOpen()).as("link still open").isTrue();
        channel.checkException(); // nothing reached the end of the pipeline
        assertThat(failures.dropped()).isEqualTo(1);
        assertThat(log.messages(Level.ERROR)).singleElement().asString()
                .contains("[r1]", "not sent, the link stays up", "exceeds limit");

        channel.writeOutbound(new StreamFrame.End(9)); // the next frame still goes out
        ByteBuf next = channel.readOutbound();
        assertThat(next.getUnsignedByte(WireLimits.LENGTH_FIELD_BYTES)).isEqualTo((short) FrameType.STREAM_END.code());
        next.release();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }
}
