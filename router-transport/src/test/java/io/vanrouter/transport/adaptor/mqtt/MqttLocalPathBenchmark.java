package io.vanrouter.transport.adaptor.mqtt;

import static io.vanrouter.transport.adaptor.mqtt.MqttPacketBytes.packet;
import static io.vanrouter.transport.adaptor.mqtt.MqttPacketBytes.string;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vanrouter.transport.TransportSettings;
import io.vanrouter.transport.adaptor.RoutingView;
import io.vanrouter.transport.link.LinkRegistry;
import io.vanrouter.transport.message.MessageRouter;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One router's whole MQTT path for a message between two of its own clients, without sockets: a 3.1.1 publisher's
 * stream of 100-byte PUBLISHes in 16 KiB reads through the listener's real pipeline (decoders, the connection
 * handler, {@code MessageRouter.publish}, the local subscriptions) to a subscriber's session, its batch written and
 * flushed (encoder included), and at QoS 1 the publisher's PUBACKs. Both clients are EmbeddedChannels, so the figure
 * is the router's own CPU per message, which a busy machine inflates for old and new builds alike; run with
 * {@code -prof gc} for the bytes a message costs. Buffers come from Netty's default allocator, as in a router.
 * bench/mqtt-decode.sh runs it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(MqttLocalPathBenchmark.MESSAGES)
public class MqttLocalPathBenchmark {
    static final int MESSAGES = 10_000;
    private static final int READ_BYTES = 16 << 10;
    private static final String TOPIC = "sensors/room-1/temperature";

    @Param({"0", "1"})
    public int qos;

    private MqttListener listener;
    private EmbeddedChannel publisher;
    private EmbeddedChannel subscriber;
    private byte[] publishes;
    private long delivered;
    private long acknowledged;

    @Setup(Level.Trial)
    public void setUp() {
        MessageRouter router = new MessageRouter("a", 1, TransportSettings.MAX_FRAME_BYTES_DEFAULT,
                RoutingView.empty("a")::forwarding, new LinkRegistry("a"));
        listener = new MqttListener(MqttSettings.defaults("127.0.0.1", 0), router, address -> { }, address -> { },
                new MqttCounters());
        subscriber = client("subscriber");
        ByteArrayOutputStream subscribe = new ByteArrayOutputStream();
        subscribe.write(0);
        subscribe.write(1); // packet id
        string(subscribe, "sensors/#");
        subscribe.write(0); // QoS 0: the subscriber's window never holds the publisher back
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        packet(packet, 0x82, subscribe.toByteArray());
        write(subscriber, packet.toByteArray());
        drain(subscriber); // SUBACK
        publisher = client("publisher");
        publishes = publishes(MESSAGES, 100, qos);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (delivered == 0 || (qos > 0 && acknowledged == 0)) {
            throw new IllegalStateException("nothing delivered or acknowledged");
        }
        publisher.finishAndReleaseAll();
        subscriber.finishAndReleaseAll();
        listener.close();
    }

    @Benchmark
    public long publishAndDeliver() {
        for (int at = 0; at < publishes.length; at += READ_BYTES) {
            int bytes = Math.min(READ_BYTES, publishes.length - at);
            publisher.writeInbound(ByteBufAllocator.DEFAULT.directBuffer(bytes).writeBytes(publishes, at, bytes));
            subscriber.runPendingTasks();
            delivered += drain(subscriber);
            publisher.runPendingTasks();
            acknowledged += drain(publisher);
        }
        return delivered;
    }

    private EmbeddedChannel client(String clientId) {
        EmbeddedChannel channel = new EmbeddedChannel(listener.clientInitializer());
        ByteArrayOutputStream connect = new ByteArrayOutputStream();
        string(connect, "MQTT");
        connect.write(4);
        connect.write(0x02); // clean session
        connect.write(0);
        connect.write(60);
        string(connect, clientId);
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        packet(packet, 0x10, connect.toByteArray());
        write(channel, packet.toByteArray());
        if (drain(channel) == 0) {
            throw new IllegalStateException("no CONNACK for " + clientId);
        }
        return channel;
    }

    private static void write(EmbeddedChannel channel, byte[] bytes) {
        channel.writeInbound(ByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes));
        channel.runPendingTasks();
    }

    /** Releases what the router wrote to {@code channel}; returns its bytes. */
    private static long drain(EmbeddedChannel channel) {
        long bytes = 0;
        for (Object written = channel.readOutbound(); written != null; written = channel.readOutbound()) {
            ByteBuf buf = (ByteBuf) written;
            bytes += buf.readableBytes();
            buf.release();
        }
        return bytes;
    }

    private static byte[] publishes(int count, int payloadBytes, int qos) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            string(body, TOPIC);
            if (qos > 0) {
                int id = 1 + i % 0xFFFF;
                body.write(id >> 8);
                body.write(id & 0xFF);
            }
            body.writeBytes(new byte[payloadBytes]);
            packet(out, 0x30 | qos << 1, body.toByteArray());
        }
        return out.toByteArray();
    }
}
