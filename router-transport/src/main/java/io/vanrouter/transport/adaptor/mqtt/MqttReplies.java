package io.vanrouter.transport.adaptor.mqtt;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttUnsubAckMessage;
import io.netty.handler.codec.mqtt.MqttUnsubAckPayload;
import java.util.List;

/** Builds the router's MQTT packets. Pure; any thread. */
final class MqttReplies {
    private MqttReplies() {
    }

    /**
     * CONNACK accepted. MQTT 5 properties say what this router is: no retained messages, shared and wildcard
     * subscriptions available, QoS up to 1, no subscription identifiers or topic aliases, sessions not kept.
     */
    static MqttConnAckMessage connAccepted(boolean v5, MqttSettings settings, String assignedClientId,
            boolean sessionExpiryRequested) {
        MqttMessageBuilders.ConnAckBuilder builder = MqttMessageBuilders.connAck()
                .returnCode(MqttConnectReturnCode.CONNECTION_ACCEPTED).sessionPresent(false);
        if (v5) {
            builder.properties(p -> {
                p.retainAvailable(false).sharedSubscriptionAvailable(true).wildcardSubscriptionAvailable(true)
                        .subscriptionIdentifiersAvailable(false).maximumQos((byte) 1).topicAliasMaximum(0)
                        .receiveMaximum(settings.receiveMaximum()).maximumPacketSize(settings.maxMessageBytes());
                if (assignedClientId != null) {
                    p.assignedClientId(assignedClientId);
                }
                if (sessionExpiryRequested) {
                    p.sessionExpiryInterval(0); // sessions end with the connection: this router is not a broker
                }
            });
        }
        return builder.build();
    }

    static MqttConnAckMessage connRefused(MqttConnectReturnCode code) {
        return MqttMessageBuilders.connAck().returnCode(code).sessionPresent(false).build();
    }

    static MqttMessage disconnect(byte reason) {
        return MqttMessageBuilders.disconnect().reasonCode(reason).build();
    }

    /** An MQTT 5 PUBACK with a reason code (the encoder writes it for MQTT 5 clients only). */
    static MqttMessage pubAck(int packetId, byte reason) {
        return MqttMessageBuilders.pubAck().packetId(packetId).reasonCode(reason).build();
    }

    /**
     * A PUBACK or PUBREC accepting {@code packetId}, already encoded: the four bytes {@code MqttEncoder} writes for
     * it in every MQTT version (MQTT 5 leaves out a success reason code that has no properties), without the message
     * objects and the encoder pass. The answer to every QoS 1 PUBLISH.
     */
    static ByteBuf acceptance(ByteBufAllocator alloc, MqttMessageType type, int packetId) {
        if (type != MqttMessageType.PUBACK && type != MqttMessageType.PUBREC) {
            throw new IllegalArgumentException("not a PUBACK or PUBREC: " + type);
        }
        return alloc.buffer(4).writeByte(type.value() << 4).writeByte(2).writeShort(packetId);
    }

    static MqttMessage reply(MqttMessageType type, int packetId) {
        MqttQoS qos = type == MqttMessageType.PUBREL ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE;
        return new MqttMessage(new MqttFixedHeader(type, false, qos, false, 2),
                MqttMessageIdVariableHeader.from(packetId));
    }

    static MqttMessage pingResp() {
        return new MqttMessage(new MqttFixedHeader(MqttMessageType.PINGRESP, false, MqttQoS.AT_MOST_ONCE, false, 0));
    }

    static MqttSubAckMessage subAck(int packetId, int[] codes) {
        return new MqttSubAckMessage(new MqttFixedHeader(MqttMessageType.SUBACK, false, MqttQoS.AT_MOST_ONCE, false,
                0), new MqttMessageIdAndPropertiesVariableHeader(packetId, MqttProperties.NO_PROPERTIES),
                new MqttSubAckPayload(codes));
    }

    static MqttUnsubAckMessage unsubAck(int packetId, List<Short> codes, boolean v5) {
        return new MqttUnsubAckMessage(new MqttFixedHeader(MqttMessageType.UNSUBACK, false, MqttQoS.AT_MOST_ONCE,
                false, 0), new MqttMessageIdAndPropertiesVariableHeader(packetId, MqttProperties.NO_PROPERTIES),
                v5 ? new MqttUnsubAckPayload(codes) : null);
    }
}
