package io.vanrouter.core.address;

import io.vanrouter.core.port.TimeSource;

/** A clock the test moves by hand. */
final class ManualClock implements TimeSource {
    private long nanos = 1_000_000_000L;

    @Override
    public long nanoTime() {
        return nanos;
    }

    long advanceMillis(long millis) {
        nanos += millis * 1_000_000L;
        return nanos;
    }

    long now() {
        return nanos;
    }
}
