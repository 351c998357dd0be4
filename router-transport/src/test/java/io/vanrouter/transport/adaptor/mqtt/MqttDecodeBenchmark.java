package io.vanrouter.transport.adaptor.mqtt;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
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
 * Decoding an MQTT 3.1.1 client's PUBLISH stream (QoS 0, one topic, {@code payloadBytes} each) as the listener reads
 * it, in 16 KiB reads whose ends split packets: Netty's {@code MqttDecoder} alone ("netty") against
 * {@link MqttPublishDecoder} in front of it ("vanrouter", the listener's pipeline). Per message, on an EmbeddedChannel
 * whose other costs both share. Average time shows the warm cost; single-shot forks (bench/mqtt-decode.sh) the first
 * pass of a fresh JVM, before the JIT has compiled the decoder.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(MqttDecodeBenchmark.MESSAGES)
public class MqttDecodeBenchmark {
    static final int MESSAGES = 10_000;
    private static final int READ_BYTES = 16 << 10;
    private static final int PACKET_BYTES_MAX = 1 << 20;

    @Param({"netty", "vanrouter"})
    public String decoder;

    @Param({"100"})
    public int payloadBytes;

    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private EmbeddedChannel channel;
    private Counter counter;
    private byte[] publishes;

    @Setup(Level.Trial)
    public void setUp() {
        counter = new Counter();
        if (decoder.equals("netty")) {
            channel = new EmbeddedChannel(new MqttDecoder(PACKET_BYTES_MAX), counter);
        } else {
            MqttPublishDecoder publishDecoder = new MqttPublishDecoder(PACKET_BYTES_MAX);
            channel = new EmbeddedChannel(publishDecoder, new MqttDecoder(PACKET_BYTES_MAX),
                    publishDecoder.afterMqttDecoder(), counter);
        }
        byte[] connect = {0x10, 20, 0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 60, 0, 8, 'c', 'l', 'i', 'e', 'n', 't', '-', '1'};
        channel.writeInbound(alloc.buffer().writeBytes(connect));
        publishes = publishes(MESSAGES, payloadBytes);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (counter.messages == 0) {
            throw new IllegalStateException("nothing decoded");
        }
        channel.finishAndReleaseAll();
    }

    @Benchmark
    public long decode() {
        for (int at = 0; at < publishes.length; at += READ_BYTES) {
            int bytes = Math.min(READ_BYTES, publishes.length - at);
            channel.writeInbound(alloc.directBuffer(bytes).writeBytes(publishes, at, bytes));
        }
        return counter.messages;
    }

    private static byte[] publishes(int count, int payloadBytes) {
        byte[] topic = "sensors/room-1/temperature".getBytes(StandardCharsets.US_ASCII);
        int remaining = 2 + topic.length + payloadBytes;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            out.write(0x30);
            for (int r = remaining; ; r >>= 7) { // remaining length, 7 bits per byte
                out.write(r > 127 ? (r & 0x7f) | 0x80 : r);
                if (r <= 127) {
                    break;
                }
            }
            out.write(0);
            out.write(topic.length);
            out.writeBytes(topic);
            out.writeBytes(new byte[payloadBytes]);
        }
        return out.toByteArray();
    }

    /** Counts and releases what the decoders hand on. */
    private static final class Counter extends ChannelInboundHandlerAdapter {
        long messages;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            messages++;
            ReferenceCountUtil.release(msg);
        }
    }
}
