package io.vanrouter.transport.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.handler.codec.EncoderException;
import io.vanrouter.core.address.Address;
import io.vanrouter.transport.message.MessageAck;
import io.vanrouter.transport.message.MessageFrame;
import io.vanrouter.transport.netty.ByteBufCopies;

/**
 * MESSAGE (0x30) and MESSAGE_ACK (0x31); see docs/protocol.md. A MESSAGE payload is read as a retained slice of the
 * decoder's buffer. It is written as a component of a composite buffer when large, and copied behind the header when
 * small: for a 100-byte payload a copy is cheaper than the composite (an allocation and two components per frame,
 * 14-19 % of a publishing router's samples).
 *
 * <p>Stateless; event loops.
 */
public final class MessageCodec {
    /** Flag bits of MESSAGE: bits 0-1 the QoS (0 or 1), bit 3 DUP. */
    static final int FLAG_QOS_MASK = 0x03;
    static final int FLAG_DUP = 0x08;
    /** Longest topic: what MQTT can carry. */
    public static final int TOPIC_BYTES_MAX = 0xFFFF;
    /** Longest group field ({@code G/F}). */
    public static final int GROUP_BYTES_MAX = Address.GROUP_BYTES_MAX + 1 + Address.NAME_BYTES_MAX;
    /**
     * Most bytes a MESSAGE frame's length counts besides its topic and payload: type, flags, hops left, message id and
     * the string length prefixes, with the longest ingress, destination and group. A message whose topic and payload
     * fit in {@code maxFrameBytes} minus this fits in one frame as any copy (multicast or anycast).
     */
    public static final int HEADER_BYTES_MAX = 3 + (2 + WireLimits.NAME_BYTES_MAX) + 8 + 2
            + (2 + WireLimits.NAME_BYTES_MAX) + (2 + GROUP_BYTES_MAX);
    /** Payloads up to this size are copied into the frame buffer; larger ones are referenced, never copied. */
    static final int COPY_PAYLOAD_BYTES_MAX = 1024;

    private MessageCodec() {
    }

    /** The largest frame length (see {@link #HEADER_BYTES_MAX}) any copy of a message with these sizes can have. */
    public static long frameBytesMax(int topicBytes, int payloadBytes) {
        return (long) HEADER_BYTES_MAX + topicBytes + payloadBytes;
    }

    /** Length prefix, type and header of a MESSAGE, then the payload: copied behind it, or a second component. */
    static ByteBuf encodeMessage(ByteBufAllocator alloc, MessageFrame frame, int maxFrameBytes) {
        ByteBuf content = frame.content();
        int payloadBytes = content.readableBytes();
        boolean copy = payloadBytes <= COPY_PAYLOAD_BYTES_MAX;
        int headerEstimate = 32 + frame.ingress().length() + frame.topic().length() + frame.destination().length()
                + frame.group().length();
        ByteBuf header = alloc.buffer(headerEstimate + (copy ? payloadBytes : 0));
        try {
            header.writeInt(0);
            header.writeByte(FrameType.MESSAGE.code());
            header.writeByte((frame.qos() & FLAG_QOS_MASK) | (frame.dup() ? FLAG_DUP : 0));
            header.writeByte(frame.hopsLeft());
            WireStrings.write(header, frame.ingress(), WireLimits.NAME_BYTES_MAX);
            header.writeLong(frame.messageId());
            WireStrings.write(header, frame.topic(), TOPIC_BYTES_MAX);
            WireStrings.write(header, frame.destination(), WireLimits.NAME_BYTES_MAX);
            WireStrings.write(header, frame.group(), GROUP_BYTES_MAX);
            int length = header.readableBytes() - WireLimits.LENGTH_FIELD_BYTES + payloadBytes;
            if (length > maxFrameBytes) {
                throw new EncoderException("MESSAGE of " + length + " bytes exceeds limit " + maxFrameBytes);
            }
            header.setInt(0, length);
            if (copy) {
                ByteBufCopies.append(header, content, content.readerIndex(), payloadBytes);
                return header;
            }
        } catch (RuntimeException e) {
            header.release();
            throw e;
        }
        CompositeByteBuf out = alloc.compositeBuffer(2);
        out.addComponent(true, header);
        out.addComponent(true, content.retain());
        return out;
    }

    static ByteBuf encodeAck(ByteBufAllocator alloc, MessageAck ack) {
        ByteBuf out = alloc.buffer(32);
        out.writeInt(0);
        out.writeByte(FrameType.MESSAGE_ACK.code());
        WireStrings.write(out, ack.ingress(), WireLimits.NAME_BYTES_MAX);
        out.writeLong(ack.messageId());
        out.writeByte(ack.outcomeCode());
        out.setInt(0, out.readableBytes() - WireLimits.LENGTH_FIELD_BYTES);
        return out;
    }

    /**
     * Reads a MESSAGE body of {@code bodyBytes} (after the type byte); the payload: a retained slice of {@code in}.
     * Its names and topic come from {@code recent} when the connection read the same bytes lately.
     */
    static MessageFrame readMessage(ByteBuf in, int bodyBytes, RecentStrings recent) {
        ByteBuf body = in.readSlice(bodyBytes);
        PayloadReader reader = new PayloadReader(body, FrameType.MESSAGE);
        int flags = reader.u8("flags");
        int qos = flags & FLAG_QOS_MASK;
        if (qos > 1 || (flags & ~(FLAG_QOS_MASK | FLAG_DUP)) != 0) {
            throw reader.malformed("flags 0x" + Integer.toHexString(flags) + " (QoS " + qos + ")");
        }
        int hops = reader.u8("hops left");
        String ingress = reader.string("ingress", WireLimits.NAME_BYTES_MAX, recent, RecentStrings.INGRESS);
        long id = reader.u64("message id");
        String topic = reader.string("topic", TOPIC_BYTES_MAX, recent, RecentStrings.TOPIC);
        String destination = reader.string("destination", WireLimits.NAME_BYTES_MAX, recent,
                RecentStrings.DESTINATION);
        String group = reader.string("group", GROUP_BYTES_MAX, recent, RecentStrings.GROUP);
        if (ingress.isEmpty() || topic.isEmpty()) {
            throw reader.malformed("empty ingress or topic");
        }
        return new MessageFrame(qos, (flags & FLAG_DUP) != 0, hops, ingress, id, topic, destination, group,
                body.readRetainedSlice(body.readableBytes()));
    }

    static MessageAck parseAck(PayloadReader reader) {
        String ingress = reader.string("ingress", WireLimits.NAME_BYTES_MAX);
        long id = reader.u64("message id");
        int outcome = reader.u8("outcome");
        if (outcome != MessageAck.OUTCOME_ACCEPTED && outcome != MessageAck.OUTCOME_RELEASED) {
            throw reader.malformed("unknown outcome " + outcome);
        }
        reader.expectEnd();
        return new MessageAck(ingress, id, outcome == MessageAck.OUTCOME_ACCEPTED);
    }

}
