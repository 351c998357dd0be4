package io.vanrouter.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorChooserFactory.EventExecutorChooser;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LoopLoadTest {
    private static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(LoopLoad.SAMPLE_MILLIS);

    private final EventExecutor[] loops = {new DefaultEventExecutor(), new DefaultEventExecutor(),
            new DefaultEventExecutor()};
    private long now = 1_000_000_000L;
    private final LoopLoad load = new LoopLoad(() -> now);
    private final EventExecutorChooser chooser = load.newChooser(loops);

    @AfterEach
    void shutdown() {
        for (EventExecutor loop : loops) {
            loop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void shouldGoRoundRobinWhileNoLoopCarriesBytes() {
        assertThat(choose(6)).containsExactly(loops[0], loops[1], loops[2], loops[0], loops[1], loops[2]);
    }

    @Test
    void shouldKeepNewChannelsOffALoopCarryingABulkStream() {
        load.meter(loops[1]).add(50L << 20);
        now += PERIOD_NANOS;

        List<EventExecutor> chosen = choose(20);

        assertThat(chosen).doesNotContain(loops[1]);
        assertThat(chosen).filteredOn(loop -> loop == loops[0]).hasSize(10); // the burst is spread over the idle two
    }

    @Test
    void shouldNotCountBytesBeforeTheNextSample() {
        load.meter(loops[0]).add(50L << 20);

        assertThat(choose(3)).containsExactly(loops[0], loops[1], loops[2]);
    }

    @Test
    void shouldTreatALoopThatWentQuietAsIdleAgain() {
        load.meter(loops[2]).add(1L << 20);
        now += PERIOD_NANOS;
        assertThat(choose(4)).doesNotContain(loops[2]);

        now += 30 * PERIOD_NANOS; // no bytes since: the load halves every period

        assertThat(choose(3)).contains(loops[2]);
    }

    @Test
    void shouldAverageBytesOverALongGapBetweenSamples() {
        load.meter(loops[0]).add(400L << 10); // 400 KiB over 100 periods: 4 KiB a period, less than a new channel
        load.meter(loops[1]).add(4L << 20); // 4 MiB over 100 periods: 40 KiB a period
        now += 100 * PERIOD_NANOS;

        assertThat(chooser.next()).isSameAs(loops[2]);
        assertThat(chooser.next()).isSameAs(loops[0]);
        assertThat(chooser.next()).isSameAs(loops[1]);
        assertThat(load.loads()).containsExactly((400L << 10) / 100 + LoopLoad.NEW_CHANNEL_BYTES,
                (4L << 20) / 100 + LoopLoad.NEW_CHANNEL_BYTES, LoopLoad.NEW_CHANNEL_BYTES);
    }

    @Test
    void shouldGiveALoopOutsideTheGroupAMeterNobodyReads() {
        EventExecutor outside = new DefaultEventExecutor();
        try {
            load.meter(outside).add(50L << 20);
            now += PERIOD_NANOS;

            assertThat(choose(3)).containsExactly(loops[0], loops[1], loops[2]);
        } finally {
            outside.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        }
    }

    private List<EventExecutor> choose(int count) {
        List<EventExecutor> chosen = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            chosen.add(chooser.next());
        }
        return chosen;
    }
}
