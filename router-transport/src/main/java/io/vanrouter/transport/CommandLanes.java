package io.vanrouter.transport;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * The two queues in front of the core thread. Lifecycle commands ({@link CoreCommand.Type#lifecycle()}: link up and
 * down, consumer add and remove) go on an unbounded lane, since their number is bounded by links and consumers and
 * losing one leaves state wrong; everything else goes on a lane of {@code capacity} that refuses when full.
 * The core thread takes lifecycle commands first, so a link-down is never stuck behind a flood of messages. Order is
 * kept within each lane, and the core runs every lifecycle command queued before it runs a message it took, so a
 * message never runs before a link up offered earlier; a message taken after its link's down is dropped by the core as
 * one on an unknown link.
 *
 * <p>{@link #offer}: any thread, never blocks. {@link #poll} and {@link #await}: the core thread only.
 */
final class CommandLanes {
    private final Queue<CoreCommand> lifecycle = new ConcurrentLinkedQueue<>();
    private final LinkedBlockingQueue<CoreCommand> bounded;
    private volatile Thread consumer;
    private volatile boolean parked;

    CommandLanes(int capacity) {
        this.bounded = new LinkedBlockingQueue<>(capacity);
    }

    /** Queues {@code command}; false when it is not a lifecycle command and the bounded lane is full. */
    boolean offer(CoreCommand command) {
        boolean queued = command.type().lifecycle() ? lifecycle.add(command) : bounded.offer(command);
        if (queued && parked) {
            LockSupport.unpark(consumer);
        }
        return queued;
    }

    /** The next lifecycle command, or null: the core drains these first each cycle. */
    CoreCommand pollLifecycle() {
        return lifecycle.poll();
    }

    CoreCommand pollBounded() {
        return bounded.poll();
    }

    /** Waits up to {@code nanos} for a command, or less when interrupted or woken spuriously. */
    void await(long nanos) {
        consumer = Thread.currentThread();
        parked = true; // set before the emptiness check: a producer that offers after it sees the flag and unparks
        try {
            if (lifecycle.isEmpty() && bounded.isEmpty()) {
                LockSupport.parkNanos(this, nanos);
            }
        } finally {
            parked = false;
        }
    }
}
