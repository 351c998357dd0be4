package io.vanrouter.transport.adaptor.amqp;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the AMQP adaptor counts, for {@code status} and {@code /metrics}. Any thread: plain atomic counters.
 */
public final class AmqpCounters {
    final AtomicLong connectionsOpened = new AtomicLong();
    final AtomicLong connectionsOpen = new AtomicLong();
    final AtomicLong protocolErrors = new AtomicLong();
    /** SASL exchanges refused: a wrong mechanism, an unknown user, a wrong password. */
    final AtomicLong authenticationFailures = new AtomicLong();
    final AtomicLong linksRefused = new AtomicLong();
    final AtomicLong messagesIn = new AtomicLong();
    final AtomicLong messagesOut = new AtomicLong();
    /** Unsettled messages from senders answered ACCEPTED (a receiver took them). */
    final AtomicLong accepted = new AtomicLong();
    /** Unsettled messages from senders answered RELEASED (no receiver took them; the client may send again). */
    final AtomicLong released = new AtomicLong();
    /** Messages from senders answered REJECTED (undecodable, unsupported body, too large). */
    final AtomicLong rejected = new AtomicLong();
    /** Copies for receivers dropped because a receiver's queue was full. */
    final AtomicLong receiverDrops = new AtomicLong();

    /** A snapshot, in a stable order, for status and metrics. */
    public Map<String, Long> snapshot() {
        Map<String, Long> values = new LinkedHashMap<>();
        values.put("connectionsOpened", connectionsOpened.get());
        values.put("connectionsOpen", connectionsOpen.get());
        values.put("protocolErrors", protocolErrors.get());
        values.put("authenticationFailures", authenticationFailures.get());
        values.put("linksRefused", linksRefused.get());
        values.put("messagesIn", messagesIn.get());
        values.put("messagesOut", messagesOut.get());
        values.put("accepted", accepted.get());
        values.put("released", released.get());
        values.put("rejected", rejected.get());
        values.put("receiverDrops", receiverDrops.get());
        return values;
    }
}
