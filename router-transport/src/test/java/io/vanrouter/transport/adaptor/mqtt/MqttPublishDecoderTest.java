package io.vanrouter.transport.adaptor.mqtt;

import static io.vanrouter.transport.adaptor.mqtt.MqttPacketBytes.packet;
import static io.vanrouter.transport.adaptor.mqtt.MqttPacketBytes.string;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.util.ReferenceCountUtil;
import io.vanrouter.transport.prop.Mutations;
import io.vanrouter.transport.prop.PropertyRun;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link MqttPublishDecoder} in front of Netty's {@code MqttDecoder} decodes exactly what {@code MqttDecoder} alone
 * decodes, errors included, for seeded sessions of MQTT 3.1, 3.1.1 and 5 packets (PUBLISH of every QoS with plain,
 * non-ASCII, wildcard and empty topics, packet id 0, truncated topics, oversized packets, and the other packet types)
 * split at random offsets; and it decodes 3.x PUBLISH itself ({@code MqttDecoder} sees none of them). Seed printed;
 * {@code -Dprop.seed=N} replays.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MqttPublishDecoderTest {
    private static final int PACKET_BYTES_MAX = 1_000;

    @Test
    void shouldDecodeWhatMqttDecoderAloneDecodes() {
        int[] fastPublishes = new int[1];
        PropertyRun.check("mqtt publish decoder", 2_000, (random, n) -> {
            Session session = session(random);
            EmbeddedChannel alone = new EmbeddedChannel(new MqttDecoder(PACKET_BYTES_MAX));
            PassedThrough passed = new PassedThrough();
            EmbeddedChannel fronted = fronted(passed);
            try {
                int[] cuts = Mutations.cuts(random, session.bytes.length);
                for (int i = 0; i + 1 < cuts.length; i++) {
                    // copies: a decoder compacts its cumulation in place, which must not touch the other's bytes
                    alone.writeInbound(Unpooled.copiedBuffer(session.bytes, cuts[i], cuts[i + 1] - cuts[i]));
                    fronted.writeInbound(Unpooled.copiedBuffer(session.bytes, cuts[i], cuts[i + 1] - cuts[i]));
                }
                List<String> expected = describeAll(alone);
                List<String> actual = describeAll(fronted);
                assertThat(actual).as("session %s", session.describe).isEqualTo(expected);
                if (!session.malformed && expected.stream().noneMatch(m -> m.startsWith("failure"))) {
                    assertThat(passed.publishes).as("3.x PUBLISH packets that reached MqttDecoder, session %s",
                            session.describe).isEqualTo(session.mqtt3 ? session.unusualPublishes : session.publishes);
                }
                fastPublishes[0] += session.mqtt3 && !session.malformed
                        ? session.publishes - session.unusualPublishes : 0;
            } finally {
                alone.finishAndReleaseAll();
                fronted.finishAndReleaseAll();
            }
        });
        assertThat(fastPublishes[0]).as("PUBLISH packets decoded by the fast path").isGreaterThan(1_000);
    }

    @Test
    void shouldHandAnOversizedPacketOnAtOnceWithoutBufferingIt() {
        EmbeddedChannel fronted = fronted(new PassedThrough());
        try {
            fronted.writeInbound(Unpooled.wrappedBuffer(connect(4)));
            MqttMessage connect = fronted.readInbound();
            assertThat(connect.decoderResult().isSuccess()).isTrue();
            // a PUBLISH announcing 10 MB, of which only the first bytes arrive
            ByteBuf start = Unpooled.buffer().writeByte(0x30);
            for (int remaining = 10_000_000; remaining > 0; remaining >>= 7) {
                start.writeByte(remaining > 127 ? (remaining & 0x7f) | 0x80 : remaining);
            }
            fronted.writeInbound(start.writeBytes(new byte[100]));

            MqttMessage rejected = fronted.readInbound();
            assertThat(rejected.decoderResult().cause()).isInstanceOf(TooLongFrameException.class);
        } finally {
            fronted.finishAndReleaseAll();
        }
    }

    @Test
    void shouldReuseTheTopicStringOfTheLastPublish() {
        EmbeddedChannel fronted = fronted(new PassedThrough());
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            bytes.writeBytes(connect(4));
            for (String topic : new String[] {"a/b", "a/b", "a/c", "a/c"}) {
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                string(body, topic);
                body.writeBytes("x".getBytes(StandardCharsets.US_ASCII));
                packet(bytes, 0x30, body);
            }
            fronted.writeInbound(Unpooled.wrappedBuffer(bytes.toByteArray()));
            ReferenceCountUtil.release(fronted.readInbound());
            List<String> topics = new ArrayList<>();
            List<MqttPublishMessage> messages = new ArrayList<>();
            for (MqttPublishMessage m = fronted.readInbound(); m != null; m = fronted.readInbound()) {
                topics.add(m.variableHeader().topicName());
                messages.add(m);
                m.release();
            }
            assertThat(topics).containsExactly("a/b", "a/b", "a/c", "a/c");
            assertThat(topics.get(1)).isSameAs(topics.get(0));
            assertThat(topics.get(3)).isSameAs(topics.get(2));
            // same flags and size: one fixed header; same topic at QoS 0: one variable header
            assertThat(messages.get(3).fixedHeader()).isSameAs(messages.get(0).fixedHeader());
            assertThat(messages.get(1).variableHeader()).isSameAs(messages.get(0).variableHeader());
            assertThat(messages.get(2).variableHeader()).isNotSameAs(messages.get(1).variableHeader());
        } finally {
            fronted.finishAndReleaseAll();
        }
    }

    @Test
    void shouldFollowTheVersionOfEveryConnect() {
        // A second CONNECT is a protocol error the handler closes the connection for, but packets behind it in the
        // same read are still decoded: as the version it names, like MqttDecoder does (the version is not cached
        // across it).
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int level : new int[] {4, 5, 3, 5, 4}) {
            bytes.writeBytes(connect(level));
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            string(body, "a/b");
            if (level == 5) {
                body.write(0); // no properties
            }
            body.writeBytes("payload".getBytes(StandardCharsets.US_ASCII));
            packet(bytes, 0x30, body);
        }
        byte[] session = bytes.toByteArray();
        for (int chunk : new int[] {session.length, 1, 7}) {
            EmbeddedChannel alone = new EmbeddedChannel(new MqttDecoder(PACKET_BYTES_MAX));
            EmbeddedChannel fronted = fronted(new PassedThrough());
            try {
                for (int at = 0; at < session.length; at += chunk) {
                    int length = Math.min(chunk, session.length - at);
                    alone.writeInbound(Unpooled.copiedBuffer(session, at, length));
                    fronted.writeInbound(Unpooled.copiedBuffer(session, at, length));
                }
                List<String> expected = describeAll(alone);
                assertThat(expected).hasSize(10).noneMatch(m -> m.startsWith("failure"));
                assertThat(describeAll(fronted)).as("reads of %d bytes", chunk).isEqualTo(expected);
            } finally {
                alone.finishAndReleaseAll();
                fronted.finishAndReleaseAll();
            }
        }
    }

    /** The listener's decoders: ours, {@code passed}, Netty's, ours after it. */
    private static EmbeddedChannel fronted(PassedThrough passed) {
        MqttPublishDecoder decoder = new MqttPublishDecoder(PACKET_BYTES_MAX);
        return new EmbeddedChannel(decoder, passed, new MqttDecoder(PACKET_BYTES_MAX), decoder.afterMqttDecoder());
    }

    /** Counts the PUBLISH packets handed on as bytes (to MqttDecoder) rather than decoded. */
    private static final class PassedThrough extends ChannelInboundHandlerAdapter {
        int publishes;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf packet && packet.isReadable()
                    && packet.getUnsignedByte(packet.readerIndex()) >> 4 == MqttMessageType.PUBLISH.value()) {
                publishes++;
            }
            ctx.fireChannelRead(msg);
        }
    }

    private static List<String> describeAll(EmbeddedChannel channel) {
        List<String> out = new ArrayList<>();
        for (Object m = channel.readInbound(); m != null; m = channel.readInbound()) {
            out.add(describe((MqttMessage) m));
            ReferenceCountUtil.release(m);
        }
        return out;
    }

    private static String describe(MqttMessage m) {
        if (m.decoderResult().isFailure()) {
            Throwable cause = m.decoderResult().cause();
            return "failure " + cause.getClass().getSimpleName() + ": " + cause.getMessage();
        }
        Object payload = m.payload();
        String described = m.fixedHeader() + " " + m.variableHeader() + " "
                + (payload instanceof ByteBuf buf ? ByteBufUtil.hexDump(buf) : String.valueOf(payload));
        return described.replaceAll("MqttProperties@[0-9a-f]+", "MqttProperties"); // no toString of its own
    }

    /** {@code malformed}: has a packet too large, a topic past the packet's end or a PINGREQ with a body. */
    private record Session(byte[] bytes, String describe, boolean mqtt3, int publishes, int unusualPublishes,
            boolean malformed) {
    }

    private static final String[] TOPICS = {"t/1", "t/2", "sensors/room-1/temperature", "t/é", "t/+", "t/#", "",
        "t/\u0001", "a b"};

    /** A CONNECT (3.1, 3.1.1 or 5), or none, then packets of that version; a few of them unusual or invalid. */
    private static Session session(Random random) {
        int level = new int[] {3, 4, 4, 4, 5, 0}[random.nextInt(6)];
        boolean v5 = level == 5;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringBuilder describe = new StringBuilder("level " + level + ":");
        if (level != 0) {
            out.writeBytes(connect(level));
        }
        int publishes = 0;
        int unusual = 0;
        boolean malformed = false;
        for (int i = 1 + random.nextInt(12); i > 0; i--) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            int kind = random.nextInt(10);
            if (kind < 7) {
                int qos = random.nextInt(10) == 0 ? 2 + random.nextInt(2) : random.nextInt(2);
                String topic = random.nextInt(4) == 0 ? TOPICS[random.nextInt(TOPICS.length)] : "t/" + i % 3;
                boolean zeroId = qos > 0 && random.nextInt(10) == 0;
                boolean truncated = random.nextInt(20) == 0;
                int payloadBytes = random.nextInt(8) == 0 ? random.nextInt(1_200) : random.nextInt(120);
                if (random.nextInt(16) == 0) { // whole packet one byte under, at, or over the limit
                    int header = 3; // type and two bytes of remaining length
                    payloadBytes = PACKET_BYTES_MAX - header - 1 + random.nextInt(3) - 2 - topic.getBytes(
                            StandardCharsets.UTF_8).length - (qos > 0 ? 2 : 0) - (v5 ? 1 : 0);
                }
                string(body, topic);
                if (qos > 0) {
                    int id = zeroId ? 0 : 1 + random.nextInt(0xFFFF);
                    body.write(id >> 8);
                    body.write(id & 0xFF);
                }
                if (v5) {
                    body.write(0);
                }
                body.writeBytes(Mutations.randomBytes(random, payloadBytes));
                int flags = qos << 1 | (random.nextInt(4) == 0 ? 0x08 : 0) | (random.nextInt(4) == 0 ? 0x01 : 0);
                byte[] b = body.toByteArray();
                if (truncated) { // the topic's length runs past the packet's end
                    b = new byte[] {0x01, 0x00, 'x'};
                }
                malformed |= truncated || b.length + 3 > PACKET_BYTES_MAX;
                boolean plain = !topic.isEmpty() && topic.chars().allMatch(c -> c >= 0x20 && c < 0x7f && c != '+'
                        && c != '#');
                if (qos > 1 || zeroId || truncated || !plain) {
                    unusual++;
                }
                publishes++;
                packet(out, 0x30 | flags, b);
                describe.append(" publish(q").append(qos).append(",'").append(topic).append("',").append(b.length)
                        .append(zeroId ? ",id0" : "").append(truncated ? ",truncated" : "").append(')');
            } else if (kind == 7) {
                body.write(random.nextInt(256));
                body.write(1 + random.nextInt(255));
                packet(out, 0x40, body.toByteArray());
                describe.append(" puback");
            } else if (kind == 8) {
                body.write(0);
                body.write(1 + random.nextInt(255));
                if (v5) {
                    body.write(0);
                }
                string(body, "t/#");
                body.write(random.nextInt(2));
                packet(out, 0x82, body.toByteArray());
                describe.append(" subscribe");
            } else {
                boolean stray = random.nextInt(10) == 0; // a PINGREQ has no body: MqttDecoder must refuse it
                if (stray) {
                    body.write(0);
                    malformed = true;
                }
                packet(out, 0xC0, body.toByteArray());
                describe.append(stray ? " pingreq(+1)" : " pingreq");
            }
        }
        return new Session(out.toByteArray(), describe.toString(), level == 3 || level == 4, publishes, unusual,
                malformed);
    }

    private static byte[] connect(int level) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        string(body, level == 3 ? "MQIsdp" : "MQTT");
        body.write(level);
        body.write(0x02); // clean session
        body.write(0);
        body.write(60);
        if (level == 5) {
            body.write(0); // no properties
        }
        string(body, "client-1");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        packet(out, 0x10, body.toByteArray());
        return out.toByteArray();
    }
}
