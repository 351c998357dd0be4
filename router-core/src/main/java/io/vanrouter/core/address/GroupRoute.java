package io.vanrouter.core.address;

import java.util.Collections;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One MQTT shared subscription ({@code $share/group/filter}) matching a published topic: it gets exactly one copy,
 * delivered to one member chosen by {@code distribution} (always anycast) among the local members and the routers
 * with members. Immutable; any thread.
 */
public record GroupRoute(String group, String filter, Distribution distribution, int localMembers,
                         SortedMap<String, Integer> remoteMembers) {
    public GroupRoute {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(distribution, "distribution");
        remoteMembers = Collections.unmodifiableSortedMap(new TreeMap<>(remoteMembers));
    }
}
