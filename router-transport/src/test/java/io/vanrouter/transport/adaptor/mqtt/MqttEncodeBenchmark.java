package io.vanrouter.transport.adaptor.mqtt;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
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
 * Writing the PUBLISH packets a subscriber receives (MQTT 3.1.1, one topic, {@code payloadBytes} each, flushed every
 * {@link #BATCH} as a delivery batch is): a {@code MqttPublishMessage} through Netty's {@code MqttEncoder} ("netty",
 * the router before MqttPublishEncoder) against {@link MqttPublishEncoder} past it ("vanrouter"). Per message, on an
 * EmbeddedChannel whose other costs both share. Single-shot forks (bench/mqtt-decode.sh) give the first pass of a
 * fresh JVM.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(MqttEncodeBenchmark.MESSAGES)
public class MqttEncodeBenchmark {
    static final int MESSAGES = 10_000;
    private static final int BATCH = 64;
    private static final String TOPIC = "sensors/room-1/temperature";

    @Param({"netty", "vanrouter"})
    public String encoder;

    @Param({"100", "4096"})
    public int payloadBytes;

    private EmbeddedChannel channel;
    private ChannelHandlerContext encoderContext;
    private ByteBuf payload;
    private long bytesWritten;

    @Setup(Level.Trial)
    public void setUp() {
        channel = new EmbeddedChannel();
        channel.config().setAllocator(PooledByteBufAllocator.DEFAULT);
        channel.pipeline().addLast(MqttListener.ENCODER, MqttEncoder.INSTANCE);
        encoderContext = channel.pipeline().context(MqttListener.ENCODER);
        payload = PooledByteBufAllocator.DEFAULT.directBuffer(payloadBytes).writeZero(payloadBytes);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (bytesWritten == 0) {
            throw new IllegalStateException("nothing written");
        }
        payload.release();
        channel.finishAndReleaseAll();
    }

    @Benchmark
    public long write() {
        boolean netty = encoder.equals("netty");
        for (int i = 0; i < MESSAGES; i++) {
            int packetId = 1 + (i & 0x7FFF);
            if (netty) {
                channel.write(new MqttPublishMessage(
                        new MqttFixedHeader(MqttMessageType.PUBLISH, false, MqttQoS.AT_LEAST_ONCE, false, 0),
                        new MqttPublishVariableHeader(TOPIC, packetId), payload.retainedDuplicate()),
                        channel.voidPromise());
            } else {
                MqttPublishEncoder.write(encoderContext, channel.alloc(), false, TOPIC, 1, false, packetId,
                        payload.retainedDuplicate(), channel.voidPromise());
            }
            if (i % BATCH == BATCH - 1) {
                channel.flush();
                drain();
            }
        }
        channel.flush();
        drain();
        return bytesWritten;
    }

    private void drain() {
        for (ByteBuf written = channel.readOutbound(); written != null; written = channel.readOutbound()) {
            bytesWritten += written.readableBytes();
            written.release();
        }
    }
}
