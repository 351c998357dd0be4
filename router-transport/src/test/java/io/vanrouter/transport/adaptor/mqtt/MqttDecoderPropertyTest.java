package io.vanrouter.transport.adaptor.mqtt;

import static io.vanrouter.transport.adaptor.mqtt.MqttPacketBytes.packet;
import static io.vanrouter.transport.adaptor.mqtt.MqttPacketBytes.string;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.util.ReferenceCountUtil;
import io.vanrouter.transport.LogCapture;
import io.vanrouter.transport.link.LinkRegistry;
import io.vanrouter.transport.TransportSettings;
import io.vanrouter.transport.adaptor.RoutingView;
import io.vanrouter.transport.message.MessageRouter;
import io.vanrouter.transport.prop.Mutations;
import io.vanrouter.transport.prop.PropertyRun;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Field;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Seeded property of the MQTT listener's pipeline (the real initializer of {@link MqttListener} on an EmbeddedChannel):
 * a session of valid packets (CONNECT 3.1.1 or 5, PUBLISH QoS 0/1, SUBSCRIBE, UNSUBSCRIBE, PUBACK, PINGREQ,
 * DISCONNECT), mutated and split at random offsets, never throws out of the pipeline, never logs an ERROR (an
 * unexpected exception), and neither decoder (ours for PUBLISH, Netty's for the rest) ever holds more than one packet
 * of the configured maximum. Leaks fail the class (NettyLeakCheck). Seed printed; {@code -Dprop.seed=N} replays.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MqttDecoderPropertyTest {
    private static final Field CUMULATION = field();
    /** Fixed header: type byte and up to 4 bytes of remaining length. */
    private static final int FIXED_HEADER_BYTES_MAX = 5;

    private final MqttSettings settings = MqttSettings.defaults("127.0.0.1", 0);
    private final MqttListener adaptor = new MqttListener(settings, new MessageRouter("a", 1,
            TransportSettings.MAX_FRAME_BYTES_DEFAULT, RoutingView.empty("a")::forwarding, new LinkRegistry("a")), address -> { }, address -> { }, new MqttCounters());
    private final LogCapture log = new LogCapture("vanrouter");

    @AfterEach
    void tearDown() {
        adaptor.close();
        log.close();
    }

    @Test
    void shouldSurviveMutatedMqttSessions() {
        int[] closed = new int[1];
        PropertyRun.check("mqtt mutations", 1_000, (random, n) -> {
            byte[] valid = session(random);
            byte[] input = random.nextInt(10) == 0 ? valid : Mutations.mutate(valid, session(random), new int[0],
                    random);
            EmbeddedChannel channel = new EmbeddedChannel(adaptor.clientInitializer());
            List<ByteToMessageDecoder> decoders = List.of(channel.pipeline().get(MqttPublishDecoder.class),
                    channel.pipeline().get(MqttDecoder.class));
            int[] cuts = Mutations.cuts(random, input.length);
            try {
                for (int i = 0; i + 1 < cuts.length && channel.isOpen(); i++) {
                    ByteBuf piece = ByteBufAllocator.DEFAULT.buffer(cuts[i + 1] - cuts[i]);
                    channel.writeInbound(piece.writeBytes(input, cuts[i], cuts[i + 1] - cuts[i]));
                    channel.runPendingTasks();
                    for (ByteToMessageDecoder decoder : decoders) {
                        ByteBuf held = (ByteBuf) CUMULATION.get(decoder);
                        if (held != null && held.refCnt() > 0) {
                            assertThat(held.readableBytes()).as("bytes held by %s", decoder.getClass().getSimpleName())
                                    .isLessThanOrEqualTo(settings.maxMessageBytes() + FIXED_HEADER_BYTES_MAX);
                        }
                    }
                    for (Object out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
                        ReferenceCountUtil.release(out);
                    }
                }
                if (!channel.isOpen()) {
                    closed[0]++;
                }
            } finally {
                channel.finishAndReleaseAll();
            }
            assertThat(log.messages(Level.ERROR)).as("unexpected errors").isEmpty();
        });
        System.out.println("[prop] mqtt mutations: " + closed[0] + " connections closed by the router");
        assertThat(closed[0]).as("some mutations are refused").isPositive();
    }

    /** CONNECT then a few packets of the same protocol version. */
    private static byte[] session(Random random) {
        boolean v5 = random.nextBoolean();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream connect = new ByteArrayOutputStream();
        string(connect, "MQTT");
        connect.write(v5 ? 5 : 4);
        connect.write(0x02); // clean session
        connect.write(0);
        connect.write(60);
        properties(connect, v5);
        string(connect, "c" + random.nextInt(1000));
        packet(out, 0x10, connect);
        for (int i = random.nextInt(6); i > 0; i--) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            switch (random.nextInt(7)) {
                case 0, 1 -> {
                    boolean qos1 = random.nextBoolean();
                    string(body, "t/" + random.nextInt(10));
                    if (qos1) {
                        id(body, random);
                    }
                    properties(body, v5);
                    body.writeBytes(Mutations.randomBytes(random, random.nextInt(40)));
                    packet(out, qos1 ? 0x32 : 0x30, body);
                }
                case 2 -> {
                    id(body, random);
                    properties(body, v5);
                    string(body, random.nextBoolean() ? "t/#" : "$share/g/t/+");
                    body.write(random.nextInt(2));
                    packet(out, 0x82, body);
                }
                case 3 -> {
                    id(body, random);
                    properties(body, v5);
                    string(body, "t/#");
                    packet(out, 0xA2, body);
                }
                case 4 -> {
                    id(body, random);
                    packet(out, 0x40, body);
                }
                case 5 -> packet(out, 0xC0, body);
                default -> packet(out, 0xE0, body);
            }
        }
        return out.toByteArray();
    }

    private static void properties(ByteArrayOutputStream out, boolean v5) {
        if (v5) {
            out.write(0); // no properties
        }
    }

    private static void id(ByteArrayOutputStream out, Random random) {
        int id = 1 + random.nextInt(0xFFFF);
        out.write(id >> 8);
        out.write(id & 0xFF);
    }

    private static Field field() {
        try {
            Field field = ByteToMessageDecoder.class.getDeclaredField("cumulation");
            field.setAccessible(true);
            return field;
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException(e);
        }
    }
}
