package io.vanrouter.transport.message;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts what a QoS 1 publish still waits for (its own routing pass plus one per shared-subscription copy) and runs
 * the callback (the publisher's PUBACK) when the count reaches zero. Any thread.
 */
final class PublishCompletion {
    private final AtomicInteger remaining = new AtomicInteger(1);
    private final Runnable onDone;

    PublishCompletion(Runnable onDone) {
        this.onDone = onDone;
    }

    void expect() {
        remaining.incrementAndGet();
    }

    void done() {
        if (remaining.decrementAndGet() == 0 && onDone != null) {
            onDone.run();
        }
    }
}
