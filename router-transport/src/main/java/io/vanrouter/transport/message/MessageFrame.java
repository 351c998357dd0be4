package io.vanrouter.transport.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import java.util.Objects;

/**
 * One application message on the wire (frame MESSAGE, 0x30): header fields plus the payload as a reference-counted
 * {@link ByteBuf} (a retained slice of what was read: never copied). Multicast copies share the payload through
 * {@link #retainedDuplicate()}; whoever touches a frame last releases it.
 *
 * @see io.vanrouter.transport.wire.MessageCodec for the byte layout
 */
public final class MessageFrame extends DefaultByteBufHolder {
    /** Hop limit a new message starts with; a frame arriving with 1 hop left is not forwarded again. */
    public static final int HOPS_INITIAL = 32;

    private final int qos;
    private final boolean dup;
    private final int hopsLeft;
    private final String ingress;
    private final long messageId;
    private final String topic;
    private final String destination;
    private final String group;

    /**
     * @param destination empty for multicast along the ingress router's tree; a router id for anycast
     * @param group       empty, or the shared subscription {@code G/F} the anycast copy is for
     */
    public MessageFrame(int qos, boolean dup, int hopsLeft, String ingress, long messageId, String topic,
            String destination, String group, ByteBuf payload) {
        super(payload);
        this.qos = qos;
        this.dup = dup;
        this.hopsLeft = hopsLeft;
        this.ingress = Objects.requireNonNull(ingress, "ingress");
        this.messageId = messageId;
        this.topic = Objects.requireNonNull(topic, "topic");
        this.destination = Objects.requireNonNull(destination, "destination");
        this.group = Objects.requireNonNull(group, "group");
    }

    public int qos() {
        return qos;
    }

    public boolean dup() {
        return dup;
    }

    public int hopsLeft() {
        return hopsLeft;
    }

    public String ingress() {
        return ingress;
    }

    public long messageId() {
        return messageId;
    }

    public String topic() {
        return topic;
    }

    public String destination() {
        return destination;
    }

    public String group() {
        return group;
    }

    public boolean isMulticast() {
        return destination.isEmpty();
    }

    /** A copy with one hop less, sharing the payload (retained). */
    public MessageFrame nextHop() {
        return new MessageFrame(qos, dup, hopsLeft - 1, ingress, messageId, topic, destination, group,
                content().retainedDuplicate());
    }

    /** An anycast copy toward {@code router} for shared subscription {@code groupKey}, sharing the payload. */
    public MessageFrame anycast(long id, String router, String groupKey, boolean dupFlag) {
        return new MessageFrame(qos, dupFlag, HOPS_INITIAL, ingress, id, topic, router, groupKey,
                content().retainedDuplicate());
    }

    @Override
    public MessageFrame replace(ByteBuf content) {
        return new MessageFrame(qos, dup, hopsLeft, ingress, messageId, topic, destination, group, content);
    }

    @Override
    public MessageFrame retainedDuplicate() {
        return replace(content().retainedDuplicate());
    }

    @Override
    public MessageFrame retain() {
        super.retain();
        return this;
    }

    @Override
    public String toString() {
        return "MessageFrame[" + ingress + "#" + messageId + " topic=" + topic + " qos=" + qos + (dup ? " dup" : "")
                + " hops=" + hopsLeft + (destination.isEmpty() ? "" : " to " + destination + " group " + group)
                + " bytes=" + content().readableBytes() + "]";
    }
}
