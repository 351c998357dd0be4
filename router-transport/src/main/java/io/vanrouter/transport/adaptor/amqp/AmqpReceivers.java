package io.vanrouter.transport.adaptor.amqp;

import io.vanrouter.core.address.Address;
import io.vanrouter.transport.adaptor.LocalConsumers;
import io.vanrouter.transport.message.Blocker;
import io.vanrouter.transport.message.LocalDelivery;
import io.vanrouter.transport.message.MessageFrame;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This router's AMQP receiver links by VAN address, as the message plane's local delivery: multicast copies go to
 * every receiver whose topic filter matches, shared-group copies to one member, round robin, skipping members whose
 * queue is full. Each attach and detach is announced to the core, so the address is advertised network-wide while a
 * receiver holds it.
 *
 * <p>Any thread: lists are copy-on-write (attaches are rare, deliveries many); each link hops to its own loop.
 */
final class AmqpReceivers implements LocalDelivery {
    private final LocalConsumers consumers;
    private final AmqpCounters counters;
    /** Plain (multicast) receivers by topic filter. */
    private final Map<String, List<OutgoingLink>> plain = new ConcurrentHashMap<>();
    /** Members of shared groups by {@code G/F}. */
    private final Map<String, List<OutgoingLink>> groups = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> rotation = new ConcurrentHashMap<>();

    AmqpReceivers(LocalConsumers consumers, AmqpCounters counters) {
        this.consumers = consumers;
        this.counters = counters;
    }

    void add(Address address, OutgoingLink link) {
        table(address).computeIfAbsent(key(address), k -> new CopyOnWriteArrayList<>()).add(link);
        consumers.submitAddConsumer(address);
    }

    void remove(Address address, OutgoingLink link) {
        List<OutgoingLink> links = table(address).get(key(address));
        if (links != null && links.remove(link)) {
            consumers.submitRemoveConsumer(address);
        }
    }

    /** Receiver links attached now (for status). */
    int count() {
        int n = 0;
        for (List<OutgoingLink> links : plain.values()) {
            n += links.size();
        }
        for (List<OutgoingLink> links : groups.values()) {
            n += links.size();
        }
        return n;
    }

    private Map<String, List<OutgoingLink>> table(Address address) {
        return address.isShared() ? groups : plain;
    }

    private static String key(Address address) {
        return address.isShared() ? address.group() + "/" + address.name() : address.name();
    }

    @Override
    public int deliverMulticast(MessageFrame frame, List<Blocker> blockers) {
        int delivered = 0;
        for (Map.Entry<String, List<OutgoingLink>> entry : plain.entrySet()) {
            if (!entry.getValue().isEmpty() && AmqpAddresses.matches(entry.getKey(), frame.topic())) {
                for (OutgoingLink link : entry.getValue()) {
                    if (link.offer(frame, null)) {
                        delivered++;
                    } else {
                        counters.receiverDrops.incrementAndGet();
                    }
                }
            }
        }
        return delivered;
    }

    @Override
    public boolean deliverToGroup(String groupKey, MessageFrame frame, Settlement settlement,
            List<Blocker> blockers) {
        List<OutgoingLink> members = groups.get(groupKey);
        if (members == null || members.isEmpty()) {
            return false;
        }
        long start = rotation.computeIfAbsent(groupKey, k -> new AtomicLong()).getAndIncrement();
        Object[] snapshot = members.toArray();
        for (int i = 0; i < snapshot.length; i++) {
            OutgoingLink link = (OutgoingLink) snapshot[(int) Math.floorMod(start + i, (long) snapshot.length)];
            if (link.offer(frame, settlement)) {
                return true;
            }
        }
        return false; // every member's queue is full: the ingress tries another router or again later
    }

    @Override
    public boolean hasGroupMember(String groupKey) {
        List<OutgoingLink> members = groups.get(groupKey);
        return members != null && !members.isEmpty();
    }
}
