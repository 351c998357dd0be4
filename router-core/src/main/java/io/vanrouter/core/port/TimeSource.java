package io.vanrouter.core.port;

/** The core's only clock. Production passes {@code System::nanoTime}; tests pass a manual clock. */
@FunctionalInterface
public interface TimeSource {

    /** Monotonic time in nanoseconds; only differences are meaningful. */
    long nanoTime();
}
