package io.vanrouter.transport.adaptor.mqtt;

import java.util.concurrent.atomic.AtomicLong;

/** Counts of the MQTT adaptor, for status and tests. Any thread. */
public final class MqttCounters {
    final AtomicLong connections = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong badPackets = new AtomicLong();
    final AtomicLong tooLargeForLinks = new AtomicLong();
    final AtomicLong publishesIn = new AtomicLong();
    final AtomicLong deliveries = new AtomicLong();
    final AtomicLong queueDrops = new AtomicLong();
    final AtomicLong publisherPauses = new AtomicLong();
    final AtomicLong slowSubscribers = new AtomicLong();
    final AtomicLong keepAliveTimeouts = new AtomicLong();
    final AtomicLong willsSent = new AtomicLong();
    final AtomicLong authenticationFailures = new AtomicLong();
    final AtomicLong publishesRefused = new AtomicLong();
    final AtomicLong subscriptionsRefused = new AtomicLong();

    /** Accepted CONNECTs. */
    public long connections() {
        return connections.get();
    }

    /** CONNECTs answered with a refusal. */
    public long refused() {
        return refused.get();
    }

    /** Clients disconnected for a malformed, oversized or unsupported packet. */
    public long badPackets() {
        return badPackets.get();
    }

    /** PUBLISH packets (and wills) refused because their MESSAGE frame could exceed routing.maxFrameBytes. */
    public long tooLargeForLinks() {
        return tooLargeForLinks.get();
    }

    public long publishesIn() {
        return publishesIn.get();
    }

    /** PUBLISH packets written to subscribers. */
    public long deliveries() {
        return deliveries.get();
    }

    /** Messages dropped because a subscriber's queue passed its hard cap. */
    public long queueDrops() {
        return queueDrops.get();
    }

    /** Times a publisher stopped being read because what it fed was congested. */
    public long publisherPauses() {
        return publisherPauses.get();
    }

    /** Subscribers congested past the stall limit, after which publishers are no longer paused for them. */
    public long slowSubscribers() {
        return slowSubscribers.get();
    }

    public long keepAliveTimeouts() {
        return keepAliveTimeouts.get();
    }

    public long willsSent() {
        return willsSent.get();
    }

    /** CONNECTs refused for an unknown user or a wrong password (also counted in {@link #refused}). */
    public long authenticationFailures() {
        return authenticationFailures.get();
    }

    /** PUBLISH packets to a topic the user may not publish to. */
    public long publishesRefused() {
        return publishesRefused.get();
    }

    /** SUBSCRIBE filters the user may not subscribe to. */
    public long subscriptionsRefused() {
        return subscriptionsRefused.get();
    }
}
