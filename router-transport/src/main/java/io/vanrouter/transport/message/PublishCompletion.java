package io.vanrouter.transport.message;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts what a QoS 1 publish still waits for (its own routing pass plus one per tracked copy) and runs the callback
 * when the count reaches zero. It also notes whether any copy reached a receiver and whether one was given up, so a
 * publisher that must not claim delivery for nothing (AMQP's ACCEPTED) can tell; MQTT's PUBACK ignores that. Any
 * thread.
 */
final class PublishCompletion {
    private final AtomicInteger remaining = new AtomicInteger(1);
    private final AtomicInteger reached = new AtomicInteger();
    private final AtomicBoolean gaveUp = new AtomicBoolean();
    private final PublishOutcome onDone;

    PublishCompletion(PublishOutcome onDone) {
        this.onDone = onDone;
    }

    void expect() {
        remaining.incrementAndGet();
    }

    /** {@code copies} receivers (or their routers) took the message. */
    void reached(int copies) {
        if (copies > 0) {
            reached.addAndGet(copies);
        }
    }

    /** A copy was given up after its time limit: the publisher must not be told it was delivered. */
    void gaveUp() {
        gaveUp.set(true);
    }

    void done() {
        if (remaining.decrementAndGet() == 0 && onDone != null) {
            onDone.completed(reached.get() > 0 && !gaveUp.get());
        }
    }
}
