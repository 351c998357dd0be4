package io.vanrouter.core;

import io.vanrouter.core.port.TimeSource;

/** A clock that moves only when told to. Starts at an arbitrary non-zero time so no code relies on zero. */
public final class ManualTimeSource implements TimeSource {
    private long nanos = 1_000_000_000_000L;

    @Override
    public long nanoTime() {
        return nanos;
    }

    public void advanceMillis(long millis) {
        nanos += millis * 1_000_000L;
    }

    /** Milliseconds since this clock was created. */
    public long millis() {
        return (nanos - 1_000_000_000_000L) / 1_000_000L;
    }
}
