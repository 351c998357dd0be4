package io.vanrouter.transport.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.vanrouter.transport.TransportSettings;
import io.vanrouter.transport.message.MessageFrame;
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
 * A MESSAGE frame's trip over a link, without the socket: encoded by the link's {@link FrameEncoder} (a payload
 * slice, as an MQTT publisher's or a transit copy's is), the bytes of each flush of {@link #BATCH} frames gathered
 * into one direct buffer (as the peer's socket read would return them) and handed to a {@link FrameDecoder}, the
 * decoded frames released. EmbeddedChannels and Netty's default allocator; per message, with
 * {@code -prof gc} for the bytes. bench/mqtt-decode.sh runs it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(MessageLinkCodecBenchmark.MESSAGES)
public class MessageLinkCodecBenchmark {
    static final int MESSAGES = 10_000;
    private static final int BATCH = 64;

    @Param({"100", "4096"})
    public int payloadBytes;

    private EmbeddedChannel sender;
    private EmbeddedChannel receiver;
    private ByteBuf read;
    private long decoded;

    @Setup(Level.Trial)
    public void setUp() {
        sender = new EmbeddedChannel(new FrameEncoder(TransportSettings.MAX_FRAME_BYTES_DEFAULT));
        receiver = new EmbeddedChannel(new FrameDecoder(TransportSettings.MAX_FRAME_BYTES_DEFAULT));
        receiver.writeInbound(WireTestSupport.preamble());
        // what a router reads: payloads are slices of a larger buffer
        read = ByteBufAllocator.DEFAULT.directBuffer(payloadBytes + 64).writeZero(payloadBytes + 64);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (decoded == 0) {
            throw new IllegalStateException("nothing decoded");
        }
        read.release();
        sender.finishAndReleaseAll();
        receiver.finishAndReleaseAll();
    }

    @Benchmark
    public long sendAndReceive() {
        for (int i = 0; i < MESSAGES; i++) {
            sender.write(new MessageFrame(0, false, MessageFrame.HOPS_INITIAL, "router-a", i,
                    "sensors/room-1/temperature", "", "", read.retainedSlice(32, payloadBytes)), sender.voidPromise());
            if (i % BATCH == BATCH - 1) {
                deliver();
            }
        }
        deliver();
        return decoded;
    }

    private void deliver() {
        sender.flush();
        // what the peer's socket read returns: the flush's bytes in one direct buffer (never the composite written)
        ByteBuf socketRead = ByteBufAllocator.DEFAULT.directBuffer(BATCH * (payloadBytes + 96));
        for (ByteBuf bytes = sender.readOutbound(); bytes != null; bytes = sender.readOutbound()) {
            int length = bytes.readableBytes();
            socketRead.ensureWritable(length);
            bytes.getBytes(bytes.readerIndex(), socketRead, socketRead.writerIndex(), length);
            socketRead.writerIndex(socketRead.writerIndex() + length);
            bytes.release();
        }
        receiver.writeInbound(socketRead);
        for (Object frame = receiver.readInbound(); frame != null; frame = receiver.readInbound()) {
            decoded++;
            ReferenceCountUtil.release(frame);
        }
    }
}
