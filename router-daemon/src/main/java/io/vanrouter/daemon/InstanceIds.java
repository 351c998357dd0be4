package io.vanrouter.daemon;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Boot ids for routers: the wall clock in milliseconds, made strictly increasing within this JVM. A restarted
 * process starts later, so its id is larger than that of the process it replaces (peers compare them).
 */
final class InstanceIds {
    private static final AtomicLong LAST = new AtomicLong();

    private InstanceIds() {
    }

    static long next() {
        long now = System.currentTimeMillis();
        return LAST.updateAndGet(previous -> Math.max(previous + 1, now));
    }
}
