package io.vanrouter.transport.adaptor.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.AttributeKey;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link MqttPublishEncoder} writes exactly the bytes Netty's {@code MqttEncoder} writes for the same delivery, for
 * every MQTT version, QoS, DUP flag, topic (plain, multi-byte UTF-8, an unpaired surrogate) and payload size around
 * the copy threshold and the remaining length's byte boundaries; it passes the encoder by, releases what it is given
 * and completes the promise once the whole packet is written.
 */
class MqttPublishEncoderTest {
    private static final AttributeKey<MqttVersion> NETTY_MQTT_VERSION =
            AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");
    private static final MqttVersion[] VERSIONS = {MqttVersion.MQTT_3_1, MqttVersion.MQTT_3_1_1, MqttVersion.MQTT_5};
    private static final String[] TOPICS = {"a", "sensors/room-1/temperature", "caf\u00e9/\u6e29\u5ea6",
        "emoji/\ud83d\ude00", "broken/\ud800/surrogate", "x".repeat(300), ""};
    private static final int[] PAYLOAD_BYTES = {0, 1, 100, MqttPublishEncoder.COPY_PAYLOAD_MAX - 1,
        MqttPublishEncoder.COPY_PAYLOAD_MAX, MqttPublishEncoder.COPY_PAYLOAD_MAX + 1, 16_300, 16_384, 70_000};

    @Test
    void writesTheBytesOfNettysEncoder() {
        Random random = new Random(7);
        int cases = 0;
        for (MqttVersion version : VERSIONS) {
            for (String topic : TOPICS) {
                for (int payloadBytes : PAYLOAD_BYTES) {
                    for (int qos = 0; qos <= 1; qos++) {
                        boolean dup = qos > 0 && random.nextBoolean();
                        int packetId = qos == 0 ? 0 : 1 + random.nextInt(0xFFFF);
                        byte[] payload = new byte[payloadBytes];
                        random.nextBytes(payload);
                        byte[] ours = ours(version, topic, qos, dup, packetId, payload);
                        byte[] netty = netty(version, topic, qos, dup, packetId, payload);
                        assertThat(ours).as("%s topic %s qos %d dup %s id %d payload %d", version, topic, qos, dup,
                                packetId, payloadBytes).isEqualTo(netty);
                        cases++;
                    }
                }
            }
        }
        assertThat(cases).isEqualTo(VERSIONS.length * TOPICS.length * PAYLOAD_BYTES.length * 2);
    }

    @Test
    void largePayloadIsWrittenAsItIsBehindTheHeader() {
        EmbeddedChannel channel = channel(MqttVersion.MQTT_3_1_1);
        ByteBuf payload = Unpooled.directBuffer(4096).writeZero(4096);
        ChannelPromise promise = channel.newPromise();
        MqttPublishEncoder.write(encoderContext(channel), channel.alloc(), false, "t", 1, false, 9, payload, promise);
        channel.flushOutbound();
        ByteBuf header = channel.readOutbound();
        ByteBuf body = channel.readOutbound();
        assertThat(body).isSameAs(payload);
        assertThat(header.readableBytes()).isEqualTo(1 + 2 + 2 + 1 + 2);
        assertThat(promise.isSuccess()).isTrue();
        header.release();
        body.release();
        assertThat(payload.refCnt()).isZero();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void smallPayloadIsCopiedAndReleased() {
        EmbeddedChannel channel = channel(MqttVersion.MQTT_5);
        ByteBuf payload = Unpooled.directBuffer(100).writeZero(100);
        ChannelPromise promise = channel.newPromise();
        MqttPublishEncoder.write(encoderContext(channel), channel.alloc(), true, "t", 0, false, 0, payload, promise);
        channel.flushOutbound();
        ByteBuf packet = channel.readOutbound();
        assertThat(packet.readableBytes()).isEqualTo(1 + 1 + 2 + 1 + 1 + 100);
        assertThat(payload.refCnt()).isZero();
        assertThat(promise.isSuccess()).isTrue();
        packet.release();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void topicOverMqttsLimitFailsThePromiseAndWritesNothing() {
        EmbeddedChannel channel = channel(MqttVersion.MQTT_3_1_1);
        ByteBuf payload = Unpooled.buffer(10).writeZero(10);
        ChannelPromise promise = channel.newPromise();
        MqttPublishEncoder.write(encoderContext(channel), channel.alloc(), false, "t".repeat(70_000), 0, false, 0,
                payload, promise);
        channel.flushOutbound();
        assertThat(promise.cause()).hasMessageContaining("topic of 70000 bytes");
        assertThat(payload.refCnt()).isZero();
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void remainingLengthBytesFollowMqttsBoundaries() {
        assertThat(MqttPublishEncoder.remainingLengthBytes(0)).isEqualTo(1);
        assertThat(MqttPublishEncoder.remainingLengthBytes(127)).isEqualTo(1);
        assertThat(MqttPublishEncoder.remainingLengthBytes(128)).isEqualTo(2);
        assertThat(MqttPublishEncoder.remainingLengthBytes(16_383)).isEqualTo(2);
        assertThat(MqttPublishEncoder.remainingLengthBytes(16_384)).isEqualTo(3);
        assertThat(MqttPublishEncoder.remainingLengthBytes(2_097_151)).isEqualTo(3);
        assertThat(MqttPublishEncoder.remainingLengthBytes(2_097_152)).isEqualTo(4);
        assertThat(MqttPublishEncoder.remainingLengthBytes(MqttPublishEncoder.REMAINING_LENGTH_MAX)).isEqualTo(4);
    }

    private static byte[] ours(MqttVersion version, String topic, int qos, boolean dup, int packetId, byte[] payload) {
        EmbeddedChannel channel = channel(version);
        ByteBuf content = Unpooled.wrappedBuffer(payload);
        ChannelPromise promise = channel.newPromise();
        MqttPublishEncoder.write(encoderContext(channel), channel.alloc(), version == MqttVersion.MQTT_5, topic, qos,
                dup, packetId, content, promise);
        channel.flushOutbound();
        assertThat(promise.isSuccess()).isTrue();
        byte[] bytes = drain(channel);
        if (payload.length > 0) { // an empty wrapped array is Unpooled's shared empty buffer, never freed
            assertThat(content.refCnt()).isZero();
        }
        return bytes;
    }

    private static byte[] netty(MqttVersion version, String topic, int qos, boolean dup, int packetId,
            byte[] payload) {
        EmbeddedChannel channel = channel(version);
        channel.writeOutbound(new MqttPublishMessage(
                new MqttFixedHeader(MqttMessageType.PUBLISH, dup, MqttQoS.valueOf(qos), false, 0),
                new MqttPublishVariableHeader(topic, packetId), Unpooled.wrappedBuffer(payload)));
        return drain(channel);
    }

    private static EmbeddedChannel channel(MqttVersion version) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline().addLast(MqttListener.ENCODER, MqttEncoder.INSTANCE);
        channel.attr(NETTY_MQTT_VERSION).set(version);
        return channel;
    }

    private static ChannelHandlerContext encoderContext(EmbeddedChannel channel) {
        return channel.pipeline().context(MqttListener.ENCODER);
    }

    private static byte[] drain(EmbeddedChannel channel) {
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf part = channel.readOutbound(); part != null; part = channel.readOutbound()) {
            all.writeBytes(part);
            part.release();
        }
        assertThat(channel.finish()).isFalse();
        return ByteBufUtil.getBytes(all);
    }
}
