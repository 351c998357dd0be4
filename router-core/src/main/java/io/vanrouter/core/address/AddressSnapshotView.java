package io.vanrouter.core.address;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Immutable view of the network's addresses at one {@code generation}, published by the core thread after changes
 * (through one {@code volatile} reference) and read by any thread without locks. It answers, for a plain address or a
 * published MQTT topic, which routers have consumers (and how many) and how many are local.
 */
public final class AddressSnapshotView {

    private final String self;
    private final long generation;
    private final AddressRules rules;
    private final Map<String, AddressRoute> plain;
    private final TopicFilterIndex topics;
    private final Map<Address, Integer> local;

    AddressSnapshotView(String self, long generation, AddressRules rules, Map<String, AddressRoute> plain,
                        TopicFilterIndex topics, Map<Address, Integer> local) {
        this.self = Objects.requireNonNull(self, "self");
        this.generation = generation;
        this.rules = rules;
        this.plain = Collections.unmodifiableMap(plain);
        this.topics = topics;
        this.local = Map.copyOf(local);
    }

    /** An empty view of generation 0. */
    public static AddressSnapshotView empty(String self, AddressRules rules) {
        return new AddressSnapshotView(self, 0, rules, Map.of(), TopicFilterIndex.empty(), Map.of());
    }

    public String self() {
        return self;
    }

    /** Grows with every published view; per-thread caches compare it. */
    public long generation() {
        return generation;
    }

    public AddressRules rules() {
        return rules;
    }

    /** Consumers of plain address {@code address}; no consumers (and the rule's distribution) if unknown. */
    public AddressRoute route(String address) {
        AddressRoute route = plain.get(address);
        return route != null ? route
                : new AddressRoute(address, rules.forAddress(address), 0, Collections.emptySortedMap());
    }

    /** Every plain address with consumers somewhere (for status). */
    public Collection<AddressRoute> routes() {
        return plain.values();
    }

    /** Receivers of a message published to MQTT topic {@code topic}. */
    public TopicRoute routeTopic(String topic) {
        SortedMap<String, Integer> remote = new TreeMap<>();
        int[] localCount = new int[1];
        Map<String, GroupBuilder> groups = new HashMap<>();
        topics.match(topic, match -> match.subscribers().forEach((subscriber, count) -> {
            if (subscriber.group() == null) {
                if (subscriber.router().equals(self)) {
                    localCount[0] += count;
                } else {
                    remote.merge(subscriber.router(), count, Integer::sum);
                }
            } else {
                groups.computeIfAbsent(subscriber.group() + '\0' + match.filter(),
                        k -> new GroupBuilder(subscriber.group(), match.filter())).add(subscriber, count, self);
            }
        }));
        List<GroupRoute> groupRoutes = groups.isEmpty() ? List.of() : groups.values().stream()
                .map(builder -> builder.build(rules.forSharedGroup(topic)))
                .sorted((a, b) -> a.group().equals(b.group()) ? a.filter().compareTo(b.filter())
                        : a.group().compareTo(b.group()))
                .toList();
        return new TopicRoute(topic, rules.forTopic(topic), localCount[0], remote, groupRoutes);
    }

    /** The topic filter index of this view (for status listings or custom matching). */
    public TopicFilterIndex topicFilters() {
        return topics;
    }

    /** This router's local consumer counts at this generation. */
    public Map<Address, Integer> localConsumers() {
        return local;
    }

    @Override
    public String toString() {
        return "AddressSnapshotView[" + self + " gen=" + generation + " plain=" + plain.size() + " filters="
                + topics.size() + " local=" + local.size() + "]";
    }

    private static final class GroupBuilder {
        private final String group;
        private final String filter;
        private final SortedMap<String, Integer> remote = new TreeMap<>();
        private int local;

        GroupBuilder(String group, String filter) {
            this.group = group;
            this.filter = filter;
        }

        void add(TopicFilterIndex.Subscriber subscriber, int count, String self) {
            if (subscriber.router().equals(self)) {
                local += count;
            } else {
                remote.merge(subscriber.router(), count, Integer::sum);
            }
        }

        GroupRoute build(Distribution distribution) {
            return new GroupRoute(group, filter, distribution, local, remote);
        }
    }
}
