package io.vanrouter.transport.netty;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorChooserFactory;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Chooses the event loop of each new channel by load: the loop that carried the fewest stream bytes lately, so that
 * a new interactive connection does not share a thread, and therefore a data connection to the next router, with a
 * bulk stream while another loop is idle (a request waiting behind a busy loop's read burst, and behind bulk bytes in
 * the data connection's socket buffers, was the head-of-line blocking measured in docs/benchmarks.md). Ties, as at
 * startup, go round-robin.
 *
 * <p>Each loop counts its own bytes in its {@link Meter} (one writer, no contention); {@code next()} (any thread,
 * rarely: once per accepted or dialed channel) samples the meters at most every {@value #SAMPLE_MILLIS} ms into a
 * load that halves every period. A channel handed out counts as {@value #NEW_CHANNEL_BYTES} bytes of load until the next sample, so
 * a burst of connections spreads instead of piling onto the loop that was idlest before it.
 */
public final class LoopLoad implements EventExecutorChooserFactory {
    static final long SAMPLE_MILLIS = 50;
    static final long NEW_CHANNEL_BYTES = 64 * 1024;
    private static final long SAMPLE_NANOS = TimeUnit.MILLISECONDS.toNanos(SAMPLE_MILLIS);

    private final LongSupplier nanoTime;
    private volatile Chooser chooser;

    public LoopLoad() {
        this(System::nanoTime);
    }

    /** With {@code nanoTime} as the clock that paces sampling (tests drive it). */
    LoopLoad(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    @Override
    public EventExecutorChooser newChooser(EventExecutor[] executors) {
        if (chooser != null) {
            throw new IllegalStateException("a LoopLoad serves one event loop group");
        }
        Chooser created = new Chooser(executors, nanoTime);
        chooser = created;
        return created;
    }

    /**
     * The meter of {@code loop}; only that loop may add to it. A loop outside the group (the control loop, which
     * carries streams of links without data connections) gets a meter nobody reads: it is not chosen for channels.
     */
    public Meter meter(EventExecutor loop) {
        Chooser current = chooser;
        Meter meter = current == null ? null : current.meters.get(loop);
        return meter == null ? new Meter() : meter;
    }

    /** Decayed load of each loop in group order, as last sampled; for tests and diagnostics. */
    public long[] loads() {
        Chooser current = chooser;
        return current == null ? new long[0] : current.loadsSnapshot();
    }

    /** Stream bytes carried by one loop; written only by that loop's thread. */
    public static final class Meter {
        private final AtomicLong bytes = new AtomicLong();
        /** Streams owned by the loop, not yet closed (any thread: a stream may be made off its loop). */
        private final AtomicInteger streams = new AtomicInteger();

        /** A stream owned by the meter's loop started; {@link #streamEnded} follows once. */
        public void streamStarted() {
            streams.incrementAndGet();
        }

        public void streamEnded() {
            streams.decrementAndGet();
        }

        /** Streams the loop owns now. */
        public int streams() {
            return streams.get();
        }

        /** On the meter's loop only. */
        public void add(long count) {
            bytes.setRelease(bytes.getPlain() + count);
        }

        long total() {
            return bytes.getAcquire();
        }
    }

    private static final class Chooser implements EventExecutorChooser {
        private final EventExecutor[] executors;
        private final Meter[] byIndex;
        private final Map<EventExecutor, Meter> meters = new IdentityHashMap<>();
        private final long[] seen;
        private final long[] load;
        private final LongSupplier nanoTime;
        private long sampledNanos;
        private int rotation;

        Chooser(EventExecutor[] executors, LongSupplier nanoTime) {
            this.executors = executors.clone();
            this.nanoTime = nanoTime;
            this.sampledNanos = nanoTime.getAsLong();
            this.byIndex = new Meter[executors.length];
            this.seen = new long[executors.length];
            this.load = new long[executors.length];
            for (int i = 0; i < executors.length; i++) {
                byIndex[i] = new Meter();
                meters.put(executors[i], byIndex[i]);
            }
        }

        @Override
        public synchronized EventExecutor next() {
            long now = nanoTime.getAsLong();
            long periods = (now - sampledNanos) / SAMPLE_NANOS;
            if (periods > 0) {
                sample(periods);
                sampledNanos = now;
            }
            int n = executors.length;
            int best = rotation % n;
            for (int k = 1; k < n; k++) {
                int i = (rotation + k) % n;
                if (load[i] < load[best]) {
                    best = i;
                }
            }
            rotation = (best + 1) % n;
            load[best] += NEW_CHANNEL_BYTES;
            return executors[best];
        }

        /**
         * The old load halved per period passed, plus the bytes since the last sample per period: a loop that went
         * quiet is soon idle again, however long ago the last sample was.
         */
        private void sample(long periods) {
            for (int i = 0; i < executors.length; i++) {
                long total = byIndex[i].total();
                load[i] = (load[i] >> Math.min(periods, 62)) + (total - seen[i]) / periods;
                seen[i] = total;
            }
        }

        synchronized long[] loadsSnapshot() {
            return load.clone();
        }
    }
}
