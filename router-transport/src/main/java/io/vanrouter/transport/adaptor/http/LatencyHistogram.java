package io.vanrouter.transport.adaptor.http;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Request latencies in logarithmic buckets (four per power of two of microseconds, so a percentile is at most 19%
 * above the true value), lock-free and of fixed size: every request is counted, nothing is sampled.
 *
 * <p>{@link #record} from any event loop; {@link #percentileMicros} from any thread.
 */
final class LatencyHistogram {
    private static final int SUB_BUCKETS = 4;
    /** Up to 2^36 µs (19 hours); slower requests count in the last bucket. */
    private static final int BUCKETS = 36 * SUB_BUCKETS;
    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

    void record(long micros) {
        counts.incrementAndGet(bucket(Math.max(1, micros)));
    }

    static int bucket(long micros) {
        int power = 63 - Long.numberOfLeadingZeros(micros);
        // The two bits below the leading one pick the quarter within the power of two.
        int quarter = power >= 2 ? (int) ((micros >>> (power - 2)) & 3) : (int) ((micros << (2 - power)) & 3);
        return Math.min(BUCKETS - 1, power * SUB_BUCKETS + quarter);
    }

    /** The upper bound of bucket {@code index}, in microseconds. */
    static long upperMicros(int index) {
        int power = index / SUB_BUCKETS;
        int quarter = index % SUB_BUCKETS;
        return (long) Math.ceil(Math.pow(2, power) * (1 + (quarter + 1) / 4.0));
    }

    /** The latency {@code percentile} (0..100) of the requests lie under; 0 when none was recorded. */
    long percentileMicros(double percentile) {
        long total = 0;
        long[] snapshot = new long[BUCKETS];
        for (int i = 0; i < BUCKETS; i++) {
            snapshot[i] = counts.get(i);
            total += snapshot[i];
        }
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(total * percentile / 100.0);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += snapshot[i];
            if (seen >= Math.max(1, rank)) {
                return upperMicros(i);
            }
        }
        return upperMicros(BUCKETS - 1);
    }
}
