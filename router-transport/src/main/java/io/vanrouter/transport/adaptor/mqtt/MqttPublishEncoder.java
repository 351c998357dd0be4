package io.vanrouter.transport.adaptor.mqtt;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelOutboundInvoker;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.vanrouter.transport.netty.ByteBufCopies;

/**
 * Writes the PUBLISH packets the router delivers to its clients (MQTT 3.1, 3.1.1 and 5; no properties, retain 0)
 * without Netty's {@code MqttEncoder}: no message objects and no properties buffer per delivery, the topic encoded
 * straight into the packet, and a payload above {@link #COPY_PAYLOAD_MAX} written as it is, behind the header in the
 * same gathering write, instead of copied. A delivery is the hottest write of a subscriber's connection; what it
 * leaves out is also code the JIT need not compile in a router's first seconds (docs/mqtt.md). The bytes are
 * {@code MqttEncoder}'s (MqttPublishEncoderTest compares them); replies and every other packet still go through it.
 */
final class MqttPublishEncoder {
    /**
     * Payloads up to this many bytes are copied behind the header, as {@code MessageCodec} does for MESSAGE frames:
     * for a small payload one buffer costs less than a second outbound entry; above it the copy grows with the payload
     * and the entry does not.
     */
    static final int COPY_PAYLOAD_MAX = 1024;
    /** A topic's length is a two-byte field. */
    static final int TOPIC_BYTES_MAX = 0xFFFF;
    /** MQTT's remaining length is at most four bytes of seven bits. */
    static final int REMAINING_LENGTH_MAX = 268_435_455;

    private static final int PUBLISH = MqttMessageType.PUBLISH.value() << 4;

    private MqttPublishEncoder() {
    }

    /**
     * Writes one PUBLISH to {@code out} (a channel, or the context of the handler it must bypass), taking ownership of
     * {@code payload}. {@code promise} completes when the whole packet is written (or fails, also when the packet
     * cannot be encoded: a topic or packet over MQTT's limits, which no client would accept).
     *
     * @param v5       the client speaks MQTT 5 (an empty property list follows the packet id)
     * @param packetId ignored at QoS 0
     */
    static void write(ChannelOutboundInvoker out, ByteBufAllocator alloc, boolean v5, String topic, int qos,
            boolean dup, int packetId, ByteBuf payload, ChannelPromise promise) {
        int topicBytes = ByteBufUtil.utf8Bytes(topic);
        int payloadBytes = payload.readableBytes();
        int variableHeaderBytes = 2 + topicBytes + (qos > 0 ? 2 : 0) + (v5 ? 1 : 0);
        long remaining = (long) variableHeaderBytes + payloadBytes;
        if (topicBytes > TOPIC_BYTES_MAX || remaining > REMAINING_LENGTH_MAX) {
            payload.release();
            promise.setFailure(new EncoderException("PUBLISH on a topic of " + topicBytes + " bytes with a payload of "
                    + payloadBytes + " bytes exceeds MQTT's limits"));
            return;
        }
        boolean copy = payloadBytes <= COPY_PAYLOAD_MAX;
        int headerBytes = 1 + remainingLengthBytes((int) remaining) + variableHeaderBytes;
        ByteBuf packet = alloc.buffer(copy ? headerBytes + payloadBytes : headerBytes);
        packet.writeByte(PUBLISH | (dup ? 0x08 : 0) | (qos << 1));
        writeRemainingLength(packet, (int) remaining);
        packet.writeShort(topicBytes);
        ByteBufUtil.reserveAndWriteUtf8(packet, topic, topicBytes);
        if (qos > 0) {
            packet.writeShort(packetId);
        }
        if (v5) {
            packet.writeByte(0); // property length
        }
        if (copy) {
            ByteBufCopies.append(packet, payload, payload.readerIndex(), payloadBytes);
            payload.release();
            out.write(packet, promise);
        } else {
            out.write(packet, out.voidPromise());
            out.write(payload, promise);
        }
    }

    static int remainingLengthBytes(int remaining) {
        int bytes = 1;
        while (remaining >= 128) {
            remaining >>>= 7;
            bytes++;
        }
        return bytes;
    }

    private static void writeRemainingLength(ByteBuf packet, int remaining) {
        while (remaining >= 128) {
            packet.writeByte((remaining & 0x7F) | 0x80);
            remaining >>>= 7;
        }
        packet.writeByte(remaining);
    }
}
