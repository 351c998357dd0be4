package io.vanrouter.transport.adaptor.mqtt;

import io.vanrouter.core.address.Address;
import io.vanrouter.core.address.TopicFilterIndex;
import io.vanrouter.core.address.TopicFilterIndex.Subscriber;
import io.vanrouter.transport.message.Blocker;
import io.vanrouter.transport.message.LocalDelivery;
import io.vanrouter.transport.message.MessageFrame;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * This router's MQTT subscriptions and sessions. Tells the core when a filter gains its first or loses its last local
 * subscriber, so that interest is advertised and withdrawn network-wide. Delivers to local subscribers for the message
 * plane. Any thread.
 *
 * <p>The topic-filter trie, keyed by session, is changed in place under a write lock and read under a read lock only
 * to fill a per-generation cache (multicast targets per topic, shared-group members per group), so deliveries do not
 * read it. A persistent trie republished on every SUBSCRIBE cost the width of each level per change: 60,000 devices
 * subscribing to {@code devices/<id>/cmd} took 42 s of CPU on the event loops; in place it is a few lookups.
 */
final class LocalSubscriptions implements LocalDelivery {
    private final Consumer<Address> addConsumer;
    private final Consumer<Address> removeConsumer;
    private final Map<String, MqttSession> sessions = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> rotation = new ConcurrentHashMap<>();
    private final TopicFilterIndex.Editor index = TopicFilterIndex.empty().edit();
    private final ReentrantReadWriteLock indexLock = new ReentrantReadWriteLock();
    private final Lock readLock = indexLock.readLock();
    private final Lock writeLock = indexLock.writeLock();
    /** Bumped after every change of the index, a granted QoS or the sessions: invalidates {@link #targetCache}. */
    private final AtomicLong generation = new AtomicLong();
    private volatile TargetCache targetCache = new TargetCache(-1);

    /**
     * Of one generation: topics to the non-shared subscribers they reach (session and granted QoS), and shared groups
     * ({@code G/F}) to their members, ordered by session key.
     */
    private record TargetCache(long generation, Map<String, Target[]> targets, Map<String, List<MqttSession>> members) {
        TargetCache(long generation) {
            this(generation, new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
        }
    }

    private record Target(MqttSession session, int qos) {
    }

    /** Topics whose targets are cached per generation (matching is not redone per message). */
    static final int TARGET_CACHE_MAX = 10_000;

    LocalSubscriptions(Consumer<Address> addConsumer, Consumer<Address> removeConsumer) {
        this.addConsumer = addConsumer;
        this.removeConsumer = removeConsumer;
    }

    void register(MqttSession session) {
        sessions.put(session.key, session);
        generation.incrementAndGet();
    }

    /** Withdraws every subscription of {@code session} and forgets it. */
    void unregister(MqttSession session) {
        for (String subscription : List.copyOf(session.subscriptions().keySet())) {
            unsubscribe(session, subscription);
        }
        sessions.remove(session.key, session);
        generation.incrementAndGet();
    }

    /** Adds or updates (QoS) one subscription; {@code subscription} is the SUBSCRIBE string. */
    void subscribe(MqttSession session, String subscription, Address address, int qos) {
        if (session.subscriptions().put(subscription, qos) != null) {
            generation.incrementAndGet();
            return; // same filter again: only the QoS changes
        }
        change(address, new Subscriber(session.key, address.group()), 1);
        generation.incrementAndGet();
        addConsumer.accept(address);
    }

    /** @return false when the session had no such subscription */
    boolean unsubscribe(MqttSession session, String subscription) {
        if (session.subscriptions().remove(subscription) == null) {
            return false;
        }
        Address address = Address.fromMqttSubscription(subscription);
        change(address, new Subscriber(session.key, address.group()), 0);
        generation.incrementAndGet();
        removeConsumer.accept(address);
        return true;
    }

    private void change(Address address, Subscriber subscriber, int count) {
        writeLock.lock();
        try {
            index.put(address.name(), subscriber, count);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public int deliverMulticast(MessageFrame frame, List<Blocker> blockers) {
        int delivered = 0;
        for (Target target : targets(frame.topic())) {
            int qos = Math.min(frame.qos(), target.qos());
            if (target.session().deliver(frame.retainedDuplicate(), qos, null, blockers)) {
                delivered++;
            }
        }
        return delivered;
    }

    /** The cache of the current generation (a fresh one after a change, or when the topic cache is full). */
    private TargetCache cache() {
        long current = generation.get();
        TargetCache cache = targetCache;
        if (cache.generation() != current || cache.targets().size() >= TARGET_CACHE_MAX) {
            cache = new TargetCache(current);
            targetCache = cache;
        }
        return cache;
    }

    /** The non-shared subscribers {@code topic} reaches, cached per generation. */
    private Target[] targets(String topic) {
        TargetCache cache = cache();
        Target[] targets = cache.targets().get(topic);
        if (targets == null) {
            targets = match(topic);
            cache.targets().put(topic, targets);
        }
        return targets;
    }

    private Target[] match(String topic) {
        Map<MqttSession, Integer> targets = new HashMap<>();
        readLock.lock();
        try {
            index.match(topic, match -> match.subscribers().keySet().forEach(subscriber -> {
                if (subscriber.group() == null) {
                    MqttSession session = sessions.get(subscriber.router());
                    Integer qos = session == null ? null : session.subscriptions().get(match.filter());
                    if (qos != null) {
                        targets.merge(session, qos, Math::max);
                    }
                }
            }));
        } finally {
            readLock.unlock();
        }
        return targets.entrySet().stream().map(e -> new Target(e.getKey(), e.getValue())).toArray(Target[]::new);
    }

    @Override
    public boolean deliverToGroup(String groupKey, MessageFrame frame, Settlement settlement,
            List<Blocker> blockers) {
        List<MqttSession> members = members(groupKey);
        if (members.isEmpty()) {
            return false;
        }
        long start = rotation.computeIfAbsent(groupKey, k -> new AtomicLong()).getAndIncrement();
        MqttSession chosen = null;
        for (int i = 0; i < members.size() && chosen == null; i++) {
            MqttSession candidate = members.get((int) Math.floorMod(start + i, (long) members.size()));
            if (candidate.canTake()) {
                chosen = candidate;
            }
        }
        if (chosen == null) {
            chosen = members.get((int) Math.floorMod(start, (long) members.size())); // all busy: it queues
        }
        Integer granted = chosen.subscriptions().get("$share/" + groupKey);
        int qos = Math.min(frame.qos(), granted == null ? 0 : granted);
        return chosen.deliver(frame.retainedDuplicate(), qos, settlement, blockers);
    }

    @Override
    public boolean hasGroupMember(String groupKey) {
        return !members(groupKey).isEmpty();
    }

    /** Members of shared group {@code groupKey}, cached per generation. */
    private List<MqttSession> members(String groupKey) {
        return cache().members().computeIfAbsent(groupKey, this::loadMembers);
    }

    private List<MqttSession> loadMembers(String groupKey) {
        int slash = groupKey.indexOf('/');
        String group = groupKey.substring(0, slash);
        String filter = groupKey.substring(slash + 1);
        List<MqttSession> members = new ArrayList<>(2);
        Map<Subscriber, Integer> holders;
        readLock.lock();
        try {
            holders = index.subscribersOf(filter); // an immutable map: safe to read after unlocking
        } finally {
            readLock.unlock();
        }
        holders.keySet().forEach(subscriber -> {
            if (group.equals(subscriber.group())) {
                MqttSession session = sessions.get(subscriber.router());
                if (session != null) {
                    members.add(session);
                }
            }
        });
        members.sort((a, b) -> a.key.compareTo(b.key));
        return List.copyOf(members); // shared by every event loop until the next generation
    }
}
