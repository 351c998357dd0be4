package io.vanrouter.transport.message;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * Counts what a QoS 1 publish still waits for (its own routing pass plus one per tracked copy) and runs the callback
 * when the count reaches zero. It also notes whether any copy reached a receiver and whether one was given up, so a
 * publisher that must not claim delivery for nothing (AMQP's ACCEPTED) can tell; MQTT's PUBACK ignores that. Any
 * thread.
 *
 * <p>One object per QoS 1 publish (field updaters, not three atomics); a QoS 0 publish nobody waits for has none.
 */
final class PublishCompletion {
    private static final AtomicIntegerFieldUpdater<PublishCompletion> REMAINING =
            AtomicIntegerFieldUpdater.newUpdater(PublishCompletion.class, "remaining");
    private static final AtomicIntegerFieldUpdater<PublishCompletion> REACHED =
            AtomicIntegerFieldUpdater.newUpdater(PublishCompletion.class, "reached");
    private final PublishOutcome onDone;
    private volatile int remaining = 1;
    private volatile int reached;
    private volatile boolean gaveUp;

    PublishCompletion(PublishOutcome onDone) {
        this.onDone = onDone;
    }

    void expect() {
        REMAINING.incrementAndGet(this);
    }

    /** {@code copies} receivers (or their routers) took the message. */
    void reached(int copies) {
        if (copies > 0) {
            REACHED.addAndGet(this, copies);
        }
    }

    /** A copy was given up after its time limit: the publisher must not be told it was delivered. */
    void gaveUp() {
        gaveUp = true;
    }

    void done() {
        if (REMAINING.decrementAndGet(this) == 0 && onDone != null) {
            onDone.completed(reached > 0 && !gaveUp);
        }
    }
}
