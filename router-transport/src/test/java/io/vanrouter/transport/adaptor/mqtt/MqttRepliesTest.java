package io.vanrouter.transport.adaptor.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.AttributeKey;
import org.junit.jupiter.api.Test;

/** The acceptances written as bytes are what Netty's {@code MqttEncoder} writes for the same reply. */
class MqttRepliesTest {
    private static final AttributeKey<MqttVersion> NETTY_MQTT_VERSION =
            AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");

    @Test
    void acceptanceIsTheBytesOfNettysEncoder() {
        for (MqttVersion version : new MqttVersion[] {MqttVersion.MQTT_3_1, MqttVersion.MQTT_3_1_1,
            MqttVersion.MQTT_5}) {
            for (int packetId : new int[] {1, 127, 128, 255, 256, 40_000, 0xFFFF}) {
                assertSameBytes(version, MqttMessageType.PUBACK, packetId,
                        MqttMessageBuilders.pubAck().packetId(packetId).build());
                assertSameBytes(version, MqttMessageType.PUBREC, packetId,
                        MqttReplies.reply(MqttMessageType.PUBREC, packetId));
            }
        }
    }

    @Test
    void acceptanceIsOnlyForPubAckAndPubRec() {
        assertThatThrownBy(() -> MqttReplies.acceptance(ByteBufAllocator.DEFAULT, MqttMessageType.PUBREL, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PUBREL");
    }

    private static void assertSameBytes(MqttVersion version, MqttMessageType type, int packetId, MqttMessage netty) {
        EmbeddedChannel channel = new EmbeddedChannel(MqttEncoder.INSTANCE);
        channel.attr(NETTY_MQTT_VERSION).set(version);
        channel.writeOutbound(netty);
        ByteBuf expected = channel.readOutbound();
        ByteBuf ours = MqttReplies.acceptance(ByteBufAllocator.DEFAULT, type, packetId);
        try {
            assertThat(ByteBufUtil.getBytes(ours)).as("%s %s %d", version, type, packetId)
                    .isEqualTo(ByteBufUtil.getBytes(expected));
        } finally {
            expected.release();
            ours.release();
            channel.finishAndReleaseAll();
        }
    }
}
