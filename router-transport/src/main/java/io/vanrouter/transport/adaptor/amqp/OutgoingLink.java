package io.vanrouter.transport.adaptor.amqp;

import io.netty.channel.EventLoop;
import io.vanrouter.core.address.Address;
import io.vanrouter.transport.message.LocalDelivery.Settlement;
import io.vanrouter.transport.message.MessageFrame;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.amqp.transport.SenderSettleMode;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.message.Message;

/**
 * One client's receiver link, seen from the router (a proton {@link Sender}): messages for it wait in a bounded queue
 * until the client gives credit, then go out unsettled (a QoS 1 copy) or settled (QoS 0, or a receiver that asked for
 * settled deliveries). A shared-group copy's {@link Settlement} is told the client's outcome: ACCEPTED is a delivery,
 * anything else (released, modified, rejected, the link or connection gone first) sends it to another receiver.
 *
 * <p>{@link #offer} from any thread; everything else on the connection's event loop.
 */
final class OutgoingLink {
    private record Queued(MessageFrame frame, Settlement settlement) {
    }

    private final AmqpConnectionHandler connection;
    private final EventLoop loop;
    private final Sender sender;
    private final String address;
    private final Address consumed;
    private final int queueMax;
    /** Queued plus sent-unsettled messages: the bound {@link #offer} checks from any thread. */
    private final AtomicInteger held = new AtomicInteger();
    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    private final Set<Delivery> unsettled = new HashSet<>();
    private long nextTag;
    private volatile boolean closed;

    OutgoingLink(AmqpConnectionHandler connection, EventLoop loop, Sender sender, String address, Address consumed,
            int queueMax) {
        this.connection = connection;
        this.loop = loop;
        this.sender = sender;
        this.address = address;
        this.consumed = consumed;
        this.queueMax = queueMax;
    }

    Address consumed() {
        return consumed;
    }

    /**
     * Takes a copy of {@code frame} (not owned) for this receiver; false when the link is gone or its queue is full.
     * When true, {@code settlement} (may be null) is told exactly once. Any thread.
     */
    boolean offer(MessageFrame frame, Settlement settlement) {
        if (closed || held.incrementAndGet() > queueMax) {
            held.decrementAndGet();
            return false;
        }
        Queued copy = new Queued(frame.retainedDuplicate(), settlement);
        try {
            loop.execute(() -> enqueue(copy));
        } catch (RejectedExecutionException e) {
            held.decrementAndGet();
            copy.frame().release();
            return false;
        }
        return true;
    }

    private void enqueue(Queued copy) {
        if (closed) {
            drop(copy);
            return;
        }
        queue.add(copy);
        sendQueued();
        connection.flushSoon();
    }

    /** Sends what the client's credit allows (after a FLOW, or when a message arrived). Event loop only. */
    void sendQueued() {
        while (!closed && sender.getCredit() > 0 && !queue.isEmpty()) {
            Queued next = queue.poll();
            try {
                send(next);
            } finally {
                next.frame().release();
            }
        }
        if (!closed && sender.getDrain() && queue.isEmpty()) {
            sender.drained(); // nothing more now: the client's drain ends and its credit is used up
        }
    }

    private void send(Queued next) {
        MessageFrame frame = next.frame();
        byte[] payload = new byte[frame.content().readableBytes()];
        frame.content().getBytes(frame.content().readerIndex(), payload);
        Message message = AmqpBodies.toReceiver(frame.topic(), payload, frame.qos() > 0);
        byte[] encoded = encode(message, payload.length + 4 * frame.topic().length());
        Delivery delivery = sender.delivery(tag(nextTag++));
        sender.send(encoded, 0, encoded.length);
        sender.advance();
        connection.counters().messagesOut.incrementAndGet();
        if (frame.qos() == 0 || sender.getSenderSettleMode() == SenderSettleMode.SETTLED) {
            delivery.settle(); // at most once: the client does not answer, and the copy counts as taken
            held.decrementAndGet();
            if (next.settlement() != null) {
                next.settlement().settled(true);
            }
        } else {
            delivery.setContext(next.settlement());
            unsettled.add(delivery);
        }
    }

    /** The client's disposition of one of our deliveries. Event loop only. */
    void onDisposition(Delivery delivery) {
        DeliveryState state = delivery.getRemoteState();
        if (!unsettled.contains(delivery) || (state == null && !delivery.remotelySettled())) {
            return; // not a terminal outcome yet
        }
        unsettled.remove(delivery);
        delivery.settle();
        held.decrementAndGet();
        Settlement settlement = (Settlement) delivery.getContext();
        if (settlement != null) {
            settlement.settled(state instanceof Accepted);
        }
    }

    /**
     * The link or its connection ended: what was queued or unsettled is released to the ingress (which sends shared-
     * group copies to another receiver; the client may still have processed an unsettled one, so a duplicate is
     * possible, never a loss). Event loop only; idempotent.
     */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Queued copy = queue.poll(); copy != null; copy = queue.poll()) {
            drop(copy);
        }
        for (Delivery delivery : unsettled) {
            held.decrementAndGet();
            Settlement settlement = (Settlement) delivery.getContext();
            if (settlement != null) {
                settlement.settled(false);
            }
        }
        unsettled.clear();
    }

    private void drop(Queued copy) {
        held.decrementAndGet();
        copy.frame().release();
        if (copy.settlement() != null) {
            copy.settlement().settled(false);
        }
    }

    int held() {
        return held.get();
    }

    String address() {
        return address;
    }

    private static byte[] encode(Message message, int payloadBytes) {
        byte[] buffer = new byte[payloadBytes + 256];
        while (true) {
            try {
                int length = message.encode(buffer, 0, buffer.length);
                return length == buffer.length ? buffer : java.util.Arrays.copyOf(buffer, length);
            } catch (java.nio.BufferOverflowException e) {
                buffer = new byte[buffer.length * 2];
            }
        }
    }

    private static byte[] tag(long n) {
        return ByteBuffer.allocate(Long.BYTES).putLong(n).array();
    }
}
