package io.vanrouter.transport.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vanrouter.transport.TransportSettings;
import io.vanrouter.transport.adaptor.RoutingView;
import io.vanrouter.transport.link.LinkRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The fixed cost of {@link MessageRouter#publish} for one message on a topic with no receivers (a standalone router):
 * counters, the route lookup, the completion a QoS 1 publish is tracked with. What every publish pays before its
 * copies; run with {@code -prof gc} to see what it allocates. bench/mqtt-decode.sh runs it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MessagePublishBenchmark {
    @Param({"0", "1"})
    public int qos;

    private MessageRouter router;
    private ByteBuf payload;
    private long completed;
    private final List<Blocker> blockers = new ArrayList<>();

    @Setup
    public void setUp() {
        router = new MessageRouter("a", 1, TransportSettings.MAX_FRAME_BYTES_DEFAULT,
                RoutingView.empty("a")::forwarding, new LinkRegistry("a"));
        payload = Unpooled.directBuffer(100).writeZero(100);
    }

    @TearDown
    public void tearDown() {
        if (qos > 0 && completed == 0) {
            throw new IllegalStateException("no publish completed");
        }
        payload.release();
    }

    @Benchmark
    public long publish() {
        MessageFrame frame = new MessageFrame(qos, false, MessageFrame.HOPS_INITIAL, "a", router.nextMessageId(),
                "sensors/room-1/temperature", "", "", payload.retainedDuplicate());
        router.publish(frame, qos == 0 ? null : () -> completed++, blockers);
        return completed;
    }
}
