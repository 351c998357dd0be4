package io.vanrouter.transport.adaptor.mqtt;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.AttributeKey;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * In front of Netty's {@code MqttDecoder}: splits the byte stream into whole packets, decodes MQTT 3.1 / 3.1.1
 * PUBLISH packets itself and hands every other packet, whole and unchanged, to {@code MqttDecoder}.
 *
 * <p>Why: PUBLISH is nearly all of a busy client's traffic, and {@code MqttDecoder} is a {@code ReplayingDecoder}: a
 * packet split across two reads makes it throw and decode again from the packet's start, and its decode method (every
 * packet type of MQTT 3 and 5 in one state machine) is compiled and deoptimised several times before it settles
 * (measured: {@code callDecode} compiled 6 times in a router's first seconds under load). Here a PUBLISH is a length
 * check, a topic and a payload slice. {@code MqttDecoder} receives only whole packets, so it never replays.
 *
 * <p>What this decoder is not sure of goes to {@code MqttDecoder}, which reports errors as it always did: any packet
 * before the CONNECT has set the version, MQTT 5 (properties), QoS 2 or 3, a topic that is empty, not plain ASCII or
 * has wildcards, packet id 0, a packet that ends before its topic. The output is what {@code MqttDecoder} alone would
 * give, message for message ({@code MqttPublishDecoderTest}):
 * <ul>
 * <li>{@link #afterMqttDecoder()}, placed right after {@code MqttDecoder}, counts what it makes of the packets handed
 * to it. A malformed packet (a field longer than the packet) leaves it waiting for bytes past the packet's end, which
 * on its own it would read from the next packets: until it has caught up, every packet goes to it, in order.
 * <li>After its first error, and after a packet larger than the limit or a malformed remaining length, this decoder
 * hands everything on as it comes: {@code MqttDecoder} rejects the packet without anyone buffering the whole of it,
 * and discards the rest (the connection closes).
 * </ul>
 *
 * <p>The connection's event loop.
 */
final class MqttPublishDecoder extends ByteToMessageDecoder {
    /** Where {@code MqttDecoder} keeps the version of the connection's CONNECT ({@code MqttCodecUtil}, not public). */
    private static final AttributeKey<MqttVersion> NETTY_MQTT_VERSION =
            AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");
    private static final int PUBLISH = MqttMessageType.PUBLISH.value();
    private static final int CONNECT = MqttMessageType.CONNECT.value();
    private static final int REMAINING_LENGTH_BYTES_MAX = 4;

    private final int packetBytesMax;
    private final ChannelInboundHandler afterMqttDecoder = new MqttDecoderOutput();
    /** Everything goes to MqttDecoder as it comes, for the rest of the connection. */
    private boolean passThrough;
    /** Packets handed to MqttDecoder that it has not yet made a message of. */
    private int handedOn;
    /** The PUBLISH decoded here that is on its way through MqttDecoder, to tell it from MqttDecoder's own output. */
    private MqttPublishMessage inFlight;
    /** The last topic decoded and its bytes: a client usually publishes to few topics, so most are not new strings. */
    private String lastTopic;
    private byte[] lastTopicBytes = new byte[0];
    /** The first byte and fixed header of the last PUBLISH decoded here, and the variable header of the last QoS 0 one. */
    private int lastFirst = -1;
    private MqttFixedHeader lastFixed = new MqttFixedHeader(MqttMessageType.PUBLISH, false, MqttQoS.AT_MOST_ONCE,
            false, 0);
    private MqttPublishVariableHeader lastVariable = new MqttPublishVariableHeader("", -1);
    /** The MQTT version of the connection's CONNECT, read once after it was decoded (not per PUBLISH); null before. */
    private MqttVersion version;

    /** @param packetBytesMax the largest packet accepted, header included, as given to {@code MqttDecoder} */
    MqttPublishDecoder(int packetBytesMax) {
        this.packetBytesMax = packetBytesMax;
    }

    /** The handler to place right after {@code MqttDecoder}. */
    ChannelInboundHandler afterMqttDecoder() {
        return afterMqttDecoder;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (passThrough) {
            out.add(in.readRetainedSlice(in.readableBytes()));
            return;
        }
        int start = in.readerIndex();
        int readable = in.readableBytes();
        int remaining = 0;
        int headerBytes = 0;
        for (int i = 0; i < REMAINING_LENGTH_BYTES_MAX; i++) {
            if (readable < 2 + i) {
                return; // the remaining length is not all here yet
            }
            int b = in.getUnsignedByte(start + 1 + i);
            remaining |= (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                headerBytes = 2 + i;
                break;
            }
        }
        if (headerBytes == 0 || headerBytes + remaining > packetBytesMax) { // MqttDecoder's limit counts the header
            passThrough = true;
            out.add(in.readRetainedSlice(readable));
            return;
        }
        int packetBytes = headerBytes + remaining;
        if (readable < packetBytes) {
            return;
        }
        int first = in.getUnsignedByte(start);
        MqttPublishMessage publish = (first >> 4) == PUBLISH && handedOn == 0 && isMqtt3(ctx)
                ? publish(in, first, start + headerBytes, remaining) : null;
        if (publish != null) {
            in.skipBytes(packetBytes);
            inFlight = publish;
            out.add(publish);
        } else {
            if ((first >> 4) == CONNECT) {
                version = null; // MqttDecoder sets it from this packet, before any PUBLISH behind it is decoded here
            }
            handedOn++;
            out.add(in.readRetainedSlice(packetBytes));
        }
    }

    private boolean isMqtt3(ChannelHandlerContext ctx) {
        MqttVersion known = version;
        if (known == null) {
            known = ctx.channel().attr(NETTY_MQTT_VERSION).get();
            version = known;
        }
        return known == MqttVersion.MQTT_3_1_1 || known == MqttVersion.MQTT_3_1;
    }

    /** The PUBLISH whose variable header starts at {@code at}, or null when {@code MqttDecoder} should judge it. */
    private MqttPublishMessage publish(ByteBuf in, int first, int at, int remaining) {
        int qos = (first >> 1) & 3;
        if (qos > 1 || remaining < 2) {
            return null;
        }
        int topicBytes = in.getUnsignedShort(at);
        int idBytes = qos == 0 ? 0 : 2;
        int payloadBytes = remaining - 2 - topicBytes - idBytes;
        if (topicBytes == 0 || payloadBytes < 0) {
            return null;
        }
        String topic = topic(in, at + 2, topicBytes);
        if (topic == null) {
            return null;
        }
        int packetId = -1; // what MqttDecoder gives a QoS 0 PUBLISH
        if (qos == 1) {
            packetId = in.getUnsignedShort(at + 2 + topicBytes);
            if (packetId == 0) {
                return null;
            }
        }
        // Both headers are immutable: a client that repeats its packet's shape (flags and size; topic at QoS 0)
        // gets the last ones again instead of two objects per message.
        if (first != lastFirst || remaining != lastFixed.remainingLength()) {
            lastFixed = new MqttFixedHeader(MqttMessageType.PUBLISH, (first & 0x08) != 0, MqttQoS.valueOf(qos),
                    (first & 0x01) != 0, remaining);
            lastFirst = first;
        }
        MqttPublishVariableHeader variable;
        if (qos == 0 && lastVariable.topicName().equals(topic)) {
            variable = lastVariable;
        } else {
            variable = new MqttPublishVariableHeader(topic, packetId);
            if (qos == 0) {
                lastVariable = variable;
            }
        }
        ByteBuf payload = in.retainedSlice(at + 2 + topicBytes + idBytes, payloadBytes);
        return new MqttPublishMessage(lastFixed, variable, payload);
    }

    /** Sees every message that leaves {@code MqttDecoder}, synchronously with the packet that made it. */
    private final class MqttDecoderOutput extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg == inFlight) {
                inFlight = null;
            } else {
                handedOn = Math.max(0, handedOn - 1);
                if (msg instanceof MqttMessage m && m.decoderResult().isFailure()) {
                    passThrough = true; // MqttDecoder now discards what follows; so must we
                }
            }
            ctx.fireChannelRead(msg);
        }
    }

    /** The topic if it is plain printable ASCII without wildcards, else null. */
    private String topic(ByteBuf in, int at, int length) {
        boolean same = length == lastTopicBytes.length;
        for (int i = 0; i < length; i++) {
            byte b = in.getByte(at + i);
            if (b < 0x20 || b == 0x7f || b == '+' || b == '#') { // negative: not ASCII
                return null;
            }
            if (same && b != lastTopicBytes[i]) {
                same = false;
            }
        }
        if (!same) {
            lastTopicBytes = new byte[length];
            in.getBytes(at, lastTopicBytes);
            lastTopic = new String(lastTopicBytes, StandardCharsets.US_ASCII);
        }
        return lastTopic;
    }
}
