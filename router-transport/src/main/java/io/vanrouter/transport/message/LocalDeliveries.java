package io.vanrouter.transport.message;

import java.util.List;

/**
 * Several adaptors' local endpoints as one {@link LocalDelivery} (MQTT clients and AMQP receivers on one router): a
 * multicast goes to each, a shared-group copy to the first that has a member of the group. Immutable; any thread.
 */
record LocalDeliveries(List<LocalDelivery> parts) implements LocalDelivery {

    LocalDeliveries {
        parts = List.copyOf(parts);
    }

    /** {@code current} with {@code added} after it. */
    static LocalDelivery combine(LocalDelivery current, LocalDelivery added) {
        if (current == LocalDelivery.NONE) {
            return added;
        }
        List<LocalDelivery> all = new java.util.ArrayList<>(current instanceof LocalDeliveries many
                ? many.parts() : List.of(current));
        all.add(added);
        return new LocalDeliveries(all);
    }

    /** {@code current} without {@code removed}. */
    static LocalDelivery without(LocalDelivery current, LocalDelivery removed) {
        if (current == removed) {
            return LocalDelivery.NONE;
        }
        if (!(current instanceof LocalDeliveries many)) {
            return current;
        }
        List<LocalDelivery> rest = new java.util.ArrayList<>(many.parts());
        rest.remove(removed);
        return rest.isEmpty() ? LocalDelivery.NONE : rest.size() == 1 ? rest.get(0) : new LocalDeliveries(rest);
    }

    @Override
    public int deliverMulticast(MessageFrame frame, List<Blocker> blockers) {
        int delivered = 0;
        for (LocalDelivery part : parts) {
            delivered += part.deliverMulticast(frame, blockers);
        }
        return delivered;
    }

    @Override
    public boolean deliverToGroup(String groupKey, MessageFrame frame, Settlement settlement,
            List<Blocker> blockers) {
        for (LocalDelivery part : parts) {
            if (part.hasGroupMember(groupKey) && part.deliverToGroup(groupKey, frame, settlement, blockers)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean hasGroupMember(String groupKey) {
        for (LocalDelivery part : parts) {
            if (part.hasGroupMember(groupKey)) {
                return true;
            }
        }
        return false;
    }
}
