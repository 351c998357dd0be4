package io.vanrouter.core.linkstate;

import java.util.AbstractCollection;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The newest link-state record of every known router (our own included), with the local time each was received.
 * Pure state: deciding what is newer, flooding and aging policy live in {@link FloodingEngine}.
 *
 * <p>Core thread only.
 */
public final class LinkStateDatabase {

    /** A stored record and when it was stored here (local clock). */
    public record Entry(LinkState linkState, long receivedNanos) {
    }

    private final Map<String, Entry> entries = new HashMap<>();
    private final Collection<LinkState> recordsView = new RecordsView();

    public LinkState get(String routerId) {
        Entry entry = entries.get(routerId);
        return entry == null ? null : entry.linkState();
    }

    public Entry entry(String routerId) {
        return entries.get(routerId);
    }

    public void put(LinkState linkState, long nowNanos) {
        entries.put(linkState.routerId(), new Entry(linkState, nowNanos));
    }

    public LinkState remove(String routerId) {
        Entry removed = entries.remove(routerId);
        return removed == null ? null : removed.linkState();
    }

    public int size() {
        return entries.size();
    }

    /** Live read-only view of every stored record, in no particular order. */
    public Collection<LinkState> records() {
        return recordsView;
    }

    /** Ids of records other than {@code selfId} stored at or before {@code nowNanos - maxAgeNanos}. */
    public List<String> olderThan(long nowNanos, long maxAgeNanos, String selfId) {
        List<String> old = new ArrayList<>();
        for (Entry entry : entries.values()) {
            if (!entry.linkState().routerId().equals(selfId) && nowNanos - entry.receivedNanos() >= maxAgeNanos) {
                old.add(entry.linkState().routerId());
            }
        }
        Collections.sort(old);
        return old;
    }

    private final class RecordsView extends AbstractCollection<LinkState> {
        @Override
        public Iterator<LinkState> iterator() {
            Iterator<Entry> it = entries.values().iterator();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public LinkState next() {
                    return it.next().linkState();
                }
            };
        }

        @Override
        public int size() {
            return entries.size();
        }
    }
}
