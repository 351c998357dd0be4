package io.vanrouter.transport.message;

import java.util.List;

/**
 * What the message plane needs from the local application endpoints (the MQTT adaptor): delivery to this router's
 * subscribers. Any thread; implementations hop to their clients' event loops themselves.
 */
public interface LocalDelivery {

    /**
     * Delivers {@code frame} to every local non-shared subscriber whose filter matches its topic (once per client, at
     * the lower of the message's and the subscription's QoS). Does not take ownership: it retains what it keeps.
     * Adds a {@link Blocker} to {@code blockers} (when not null) for each subscriber that is congested.
     *
     * @return how many clients it went to
     */
    int deliverMulticast(MessageFrame frame, List<Blocker> blockers);

    /**
     * Delivers {@code frame} to one local member of shared subscription {@code groupKey} ({@code G/F}), round robin,
     * skipping members that are not writable. Does not take ownership. {@code settlement} is called exactly once
     * when the member took it (QoS 1: its PUBACK; QoS 0: the write completed) or could not (it left).
     *
     * @return false (and {@code settlement} not called) when there is no local member
     */
    boolean deliverToGroup(String groupKey, MessageFrame frame, Settlement settlement, List<Blocker> blockers);

    /** Whether a local member of {@code groupKey} can take a message now. */
    boolean hasGroupMember(String groupKey);

    /** Told once for each delivery of an anycast copy: true when a member took it. Any thread. */
    @FunctionalInterface
    interface Settlement {
        void settled(boolean accepted);
    }

    /** No local endpoints. */
    LocalDelivery NONE = new LocalDelivery() {
        @Override
        public int deliverMulticast(MessageFrame frame, List<Blocker> blockers) {
            return 0;
        }

        @Override
        public boolean deliverToGroup(String groupKey, MessageFrame frame, Settlement settlement,
                List<Blocker> blockers) {
            return false;
        }

        @Override
        public boolean hasGroupMember(String groupKey) {
            return false;
        }
    };
}
