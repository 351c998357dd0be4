package io.vanrouter.transport.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import io.vanrouter.transport.message.MessageAck;
import io.vanrouter.transport.message.MessageFrame;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** MESSAGE and MESSAGE_ACK through the real encoder and decoder, on both sides of the copy threshold. */
class MessageCodecTest {
    private static final int LIMIT = WireTestSupport.LIMIT;

    @ParameterizedTest(name = "{0} payload bytes")
    @ValueSource(ints = {0, 100, MessageCodec.COPY_PAYLOAD_BYTES_MAX, MessageCodec.COPY_PAYLOAD_BYTES_MAX + 1,
            64 << 10})
    void shouldRoundTripMessageOfAnyPayloadSize(int payloadBytes) {
        byte[] payload = new byte[payloadBytes];
        new Random(payloadBytes).nextBytes(payload);
        ByteBuf content = Unpooled.buffer(payloadBytes).writeBytes(payload); // not the refcount-free EMPTY_BUFFER
        MessageFrame sent = new MessageFrame(1, true, 7, "router-a", 0x1122334455667788L, "sensors/ä/temp",
                "router-c", "g/sensors/+/temp", content);

        ByteBuf wire = encodeMessage(sent);
        boolean referenced = payloadBytes > MessageCodec.COPY_PAYLOAD_BYTES_MAX;
        assertThat(content.refCnt()).as("the caller's reference, plus the composite's when referenced")
                .isEqualTo(referenced ? 2 : 1);
        assertThat(wire instanceof CompositeByteBuf).as("payload referenced, not copied").isEqualTo(referenced);

        EmbeddedChannel decoder = new EmbeddedChannel(new FrameDecoder(LIMIT));
        decoder.writeInbound(WireTestSupport.preamble(), wire);
        MessageFrame received = decoder.readInbound();
        try {
            assertThat(received.qos()).isEqualTo(1);
            assertThat(received.dup()).isTrue();
            assertThat(received.hopsLeft()).isEqualTo(7);
            assertThat(received.ingress()).isEqualTo("router-a");
            assertThat(received.messageId()).isEqualTo(0x1122334455667788L);
            assertThat(received.topic()).isEqualTo("sensors/ä/temp");
            assertThat(received.destination()).isEqualTo("router-c");
            assertThat(received.group()).isEqualTo("g/sensors/+/temp");
            assertThat(ByteBufUtil.getBytes(received.content())).isEqualTo(payload);
        } finally {
            received.release();
            sent.release();
        }
        assertThat(decoder.finishAndReleaseAll()).isFalse();
        assertThat(content.refCnt()).isZero();
    }

    @Test
    void shouldRoundTripAck() {
        EmbeddedChannel encoder = new EmbeddedChannel(new MessageEncoder(LIMIT));
        encoder.writeOutbound(new MessageAck("router-b", 42, false));
        EmbeddedChannel decoder = new EmbeddedChannel(new FrameDecoder(LIMIT));
        decoder.writeInbound(WireTestSupport.preamble(), encoder.readOutbound());

        assertThat((Object) decoder.readInbound()).isEqualTo(new MessageAck("router-b", 42, false));
        assertThat(encoder.finishAndReleaseAll()).isFalse();
        assertThat(decoder.finishAndReleaseAll()).isFalse();
    }

    @Test
    void shouldFailTheWriteOfAMessageLargerThanTheFrameLimit() {
        ByteBuf content = Unpooled.buffer(LIMIT).writeZero(LIMIT);
        MessageFrame tooLarge = new MessageFrame(0, false, 1, "a", 1, "t", "", "", content);
        EmbeddedChannel encoder = new EmbeddedChannel(new MessageEncoder(LIMIT));

        assertThatThrownBy(() -> encoder.writeOutbound(tooLarge)).isInstanceOf(EncoderException.class)
                .hasMessageContaining("exceeds limit");
        assertThat(content.refCnt()).as("released with the failed frame").isZero();
        assertThat(encoder.finishAndReleaseAll()).isFalse();
    }

    private static ByteBuf encodeMessage(MessageFrame frame) {
        EmbeddedChannel encoder = new EmbeddedChannel(new MessageEncoder(LIMIT));
        encoder.writeOutbound(frame.retain());
        ByteBuf out = encoder.readOutbound();
        assertThat(encoder.finishAndReleaseAll()).isFalse();
        return out;
    }
}
