package io.vanrouter.core.address;

import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Who receives a message published to an MQTT topic, as of one {@link AddressSnapshotView}.
 *
 * <p>Non-shared subscriptions: {@code localSubscribers} (consumer entries here whose filter matches) and
 * {@code remoteSubscribers} (router id to matching consumer entries), served by {@code distribution} (MULTICAST unless
 * a rule says otherwise: one copy per router, the adaptor delivers to each matching local client). Shared
 * subscriptions: one {@link GroupRoute} per (group, filter), each getting one copy. Immutable; any thread.
 */
public record TopicRoute(String topic, Distribution distribution, int localSubscribers,
                         SortedMap<String, Integer> remoteSubscribers, List<GroupRoute> groups) {
    public TopicRoute {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(distribution, "distribution");
        remoteSubscribers = Collections.unmodifiableSortedMap(new TreeMap<>(remoteSubscribers));
        groups = List.copyOf(groups);
    }

    /** Whether anybody, here or elsewhere, receives this topic. */
    public boolean hasReceivers() {
        return localSubscribers > 0 || !remoteSubscribers.isEmpty() || !groups.isEmpty();
    }
}
