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
    void shouldDecodeRepeatedNamesOnceAndEveryNameCorrectly() {
        EmbeddedChannel decoder = new EmbeddedChannel(new FrameDecoder(LIMIT));
        decoder.writeInbound(WireTestSupport.preamble());
        Random random = new Random(7);
        String[] topics = {"a/b", "a/c", "b/b", "sensors/ä/temp", "x", "a/bb", "ab/", "temp/1", "temp/2", "temp/3"};
        for (int i = 0; i < 400; i++) {
            int t = random.nextInt(topics.length);
            String ingress = random.nextBoolean() ? "router-a" : "router-b";
            MessageFrame sent = new MessageFrame(0, false, 5, ingress, i, topics[t], "", "",
                    Unpooled.buffer(1).writeByte(i));
            decoder.writeInbound(encodeMessage(sent));
            sent.release();
            MessageFrame received = decoder.readInbound();
            try {
                assertThat(received.topic()).isEqualTo(topics[t]);
                assertThat(received.ingress()).isEqualTo(ingress);
                assertThat(received.destination()).isEmpty();
            } finally {
                received.release();
            }
        }
        MessageFrame again = new MessageFrame(0, false, 5, "router-a", 1, "temp/1", "", "", Unpooled.buffer(0));
        decoder.writeInbound(encodeMessage(again));
        again.release();
        MessageFrame first = decoder.readInbound();
        decoder.writeInbound(encodeMessage(new MessageFrame(0, false, 5, "router-a", 2, "temp/1", "", "",
                Unpooled.buffer(0))));
        MessageFrame second = decoder.readInbound();
        try {
            assertThat(second.topic()).as("the same bytes twice in a row: one string").isSameAs(first.topic());
            assertThat(second.ingress()).isSameAs(first.ingress());
        } finally {
            first.release();
            second.release();
        }
        assertThat(decoder.finishAndReleaseAll()).isFalse();
    }

    @Test
    void shouldStillRejectBadUtf8InANameOnceTheSameLengthWasRemembered() {
        RecentStrings recent = new RecentStrings();
        ByteBuf good = Unpooled.buffer().writeShort(3).writeBytes(new byte[] {'a', 'b', 'c'});
        ByteBuf bad = Unpooled.buffer().writeShort(3).writeBytes(new byte[] {'a', (byte) 0xC3, 'c'});
        int topic = RecentStrings.TOPIC;
        assertThat(new PayloadReader(good, FrameType.MESSAGE).string("topic", 100, recent, topic)).isEqualTo("abc");
        assertThatThrownBy(() -> new PayloadReader(bad, FrameType.MESSAGE).string("topic", 100, recent, topic))
                .isInstanceOf(WireException.class).hasMessageContaining("not valid UTF-8");
        ByteBuf utf8 = Unpooled.buffer().writeShort(2).writeBytes(new byte[] {(byte) 0xC3, (byte) 0xA4});
        assertThat(new PayloadReader(utf8, FrameType.MESSAGE).string("topic", 100, recent, topic)).isEqualTo("ä");
        assertThat(recent.find(topic, utf8, 2, 2)).as("only ASCII is remembered").isNull();
    }

    @Test
    void shouldRoundTripAck() {
        EmbeddedChannel encoder = new EmbeddedChannel(new FrameEncoder(LIMIT));
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
        EmbeddedChannel encoder = new EmbeddedChannel(new FrameEncoder(LIMIT));

        assertThatThrownBy(() -> encoder.writeOutbound(tooLarge)).isInstanceOf(EncoderException.class)
                .hasMessageContaining("exceeds limit");
        assertThat(content.refCnt()).as("released with the failed frame").isZero();
        assertThat(encoder.finishAndReleaseAll()).isFalse();
    }

    private static ByteBuf encodeMessage(MessageFrame frame) {
        EmbeddedChannel encoder = new EmbeddedChannel(new FrameEncoder(LIMIT));
        encoder.writeOutbound(frame.retain());
        ByteBuf out = encoder.readOutbound();
        assertThat(encoder.finishAndReleaseAll()).isFalse();
        return out;
    }
}
