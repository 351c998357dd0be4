package io.vanrouter.transport.adaptor.amqp;

import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.vanrouter.transport.message.Blocker;
import io.vanrouter.transport.message.MessageFrame;
import io.vanrouter.transport.message.MessageRouter;
import io.vanrouter.transport.wire.MessageCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.messaging.Released;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.message.Message;

/**
 * One client's sender link, seen from the router (a proton {@link Receiver}): each complete message becomes a MESSAGE
 * to the link's address on the message plane. An unsettled delivery is published as QoS 1 and settled when the
 * message plane says whether a receiver took it: ACCEPTED if one did, RELEASED if none did (the client may send it
 * again), so ACCEPTED always means delivered. A settled delivery is published as QoS 0 (at most once).
 *
 * <p>Credit: the link is given at most {@code linkCredit} messages of credit minus those it has in flight (published,
 * not yet settled), and none while a publish met a congested link or receiver ({@link Blocker}), so the router never
 * holds more than {@code linkCredit} unsettled messages from one sender and never queues without bound.
 *
 * <p>Owning event loop only, except the outcomes, which hop to it.
 */
final class IncomingLink {
    static final Symbol DECODE_ERROR = Symbol.valueOf("amqp:decode-error");
    static final Symbol MESSAGE_SIZE_EXCEEDED = Symbol.valueOf("amqp:link:message-size-exceeded");
    static final Symbol NOT_IMPLEMENTED = Symbol.valueOf("amqp:not-implemented");
    static final Symbol TRANSFER_LIMIT_EXCEEDED = Symbol.valueOf("amqp:link:transfer-limit-exceeded");

    private final AmqpConnectionHandler connection;
    private final EventLoop loop;
    private final Receiver receiver;
    private final String address;
    private final MessageRouter messages;
    private final int linkCredit;
    private final int maxMessageBytes;
    private int inFlight;
    private int blockedBy;
    private boolean closed;

    IncomingLink(AmqpConnectionHandler connection, EventLoop loop, Receiver receiver, String address,
            MessageRouter messages, int linkCredit, int maxMessageBytes) {
        this.connection = connection;
        this.loop = loop;
        this.receiver = receiver;
        this.address = address;
        this.messages = messages;
        this.linkCredit = linkCredit;
        this.maxMessageBytes = maxMessageBytes;
    }

    /** Tops the client's credit up to the window, unless paused or too much is in flight. */
    void grantCredit() {
        if (closed || blockedBy > 0) {
            return;
        }
        int room = linkCredit - inFlight - receiver.getCredit();
        // Top up in batches of at least a quarter window: one FLOW frame per few messages, not per message.
        if (room >= Math.max(1, linkCredit / 4) || (room > 0 && receiver.getCredit() == 0)) {
            receiver.flow(room);
        }
    }

    /** A transfer arrived (possibly a part of a message). */
    void onDelivery(Delivery delivery) {
        if (closed) {
            return;
        }
        if (receiver.getCredit() < 0) {
            // The client sent beyond the credit it was given: stop it here rather than queue without bound.
            connection.detachWithError(receiver, TRANSFER_LIMIT_EXCEEDED, "sender exceeded its link credit ("
                    + linkCredit + ")");
            return;
        }
        if (delivery.isPartial()) {
            if (delivery.pending() > maxMessageBytes) {
                // The client ignored our max-message-size: detach rather than buffer the rest (AMQP 1.0 2.7.3).
                connection.detachWithError(receiver, MESSAGE_SIZE_EXCEEDED,
                        "message larger than " + maxMessageBytes + " bytes");
            }
            return; // the rest follows
        }
        int size = delivery.pending();
        byte[] encoded = new byte[size];
        receiver.recv(encoded, 0, size);
        receiver.advance();
        connection.counters().messagesIn.incrementAndGet();
        Message message = Message.Factory.create();
        try {
            message.decode(encoded, 0, size);
        } catch (RuntimeException e) {
            reject(delivery, DECODE_ERROR, "cannot decode message: " + e.getMessage());
            return;
        }
        byte[] payload = AmqpBodies.payload(message);
        if (payload == null) {
            reject(delivery, NOT_IMPLEMENTED, AmqpBodies.unsupported(message));
            return;
        }
        if (size > maxMessageBytes || MessageCodec.frameBytesMax(address.getBytes(StandardCharsets.UTF_8).length,
                payload.length) > messages.maxFrameBytes()) {
            reject(delivery, MESSAGE_SIZE_EXCEEDED, "message of " + size + " bytes exceeds the router's limit");
            return;
        }
        publish(delivery, payload);
    }

    private void publish(Delivery delivery, byte[] payload) {
        boolean settled = delivery.remotelySettled();
        MessageFrame frame = new MessageFrame(settled ? 0 : 1, false, MessageFrame.HOPS_INITIAL, messages.self(),
                messages.nextMessageId(), address, "", "", Unpooled.wrappedBuffer(payload));
        List<Blocker> blockers = new ArrayList<>(0);
        if (settled) {
            delivery.settle();
            messages.publish(frame, (Runnable) null, blockers);
        } else {
            inFlight++;
            messages.publishForOutcome(frame, delivered -> onOutcome(delivery, delivered), blockers);
        }
        for (Blocker blocker : blockers) {
            blockedBy++;
            blocker.whenClear(() -> resume());
        }
        grantCredit();
    }

    /** Any thread: the message plane's answer for one unsettled message. */
    private void onOutcome(Delivery delivery, boolean delivered) {
        try {
            loop.execute(() -> settle(delivery, delivered));
        } catch (RejectedExecutionException e) {
            // shutting down: the connection is closing, the client resends what it did not see settled
        }
    }

    private void settle(Delivery delivery, boolean delivered) {
        inFlight--;
        if (closed) {
            return;
        }
        delivery.disposition(delivered ? Accepted.getInstance() : new Released());
        delivery.settle();
        (delivered ? connection.counters().accepted : connection.counters().released).incrementAndGet();
        grantCredit();
        connection.flushSoon();
    }

    private void resume() {
        if (loop.inEventLoop()) {
            blockedBy--;
            grantCredit();
            connection.flushOutput();
        } else {
            try {
                loop.execute(this::resume);
            } catch (RejectedExecutionException e) {
                // shutting down
            }
        }
    }

    private void reject(Delivery delivery, Symbol condition, String description) {
        Rejected rejected = new Rejected();
        rejected.setError(new ErrorCondition(condition, description));
        delivery.disposition(rejected);
        connection.counters().rejected.incrementAndGet();
        AmqpConnectionHandler.LOG.debug("[{}] AMQP {} sender to '{}': message rejected: {}", messages.self(),
                connection.peer(), address, description);
        delivery.settle();
        grantCredit();
    }

    /** The link or connection ended: outcomes still to come are dropped (the client resends unsettled messages). */
    void close() {
        closed = true;
    }
}
