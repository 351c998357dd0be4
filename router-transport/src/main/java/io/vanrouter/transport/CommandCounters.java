package io.vanrouter.transport;

import io.vanrouter.transport.CoreCommand.Type;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Core commands that were not run, per {@link CoreCommand.Type}: rejected (the bounded lane was full) and failed
 * (the command threw on the core thread). Any thread.
 */
public final class CommandCounters {
    private final AtomicLongArray rejected = new AtomicLongArray(Type.values().length);
    private final AtomicLongArray failed = new AtomicLongArray(Type.values().length);

    void countRejected(Type type) {
        rejected.incrementAndGet(type.ordinal());
    }

    void countFailed(Type type) {
        failed.incrementAndGet(type.ordinal());
    }

    /** Commands of {@code type} dropped because the bounded lane was full (never a lifecycle type). */
    public long rejected(Type type) {
        return rejected.get(type.ordinal());
    }

    /** Commands of {@code type} that threw on the core thread. */
    public long failed(Type type) {
        return failed.get(type.ordinal());
    }

    public long rejectedTotal() {
        return sum(rejected);
    }

    public long failedTotal() {
        return sum(failed);
    }

    private static long sum(AtomicLongArray counts) {
        long total = 0;
        for (int i = 0; i < counts.length(); i++) {
            total += counts.get(i);
        }
        return total;
    }
}
