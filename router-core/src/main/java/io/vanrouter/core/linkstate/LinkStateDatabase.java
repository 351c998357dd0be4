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
    private long oldestNanos; // lower bound of remote receive times, valid when oldestNanosValid
    private boolean oldestNanosValid;

    public LinkState get(String routerId) {
        Entry entry = entries.get(routerId);
        return entry == null ? null : entry.linkState();
    }

    public Entry entry(String routerId) {
        return entries.get(routerId);
    }

    public void put(LinkState linkState, long nowNanos) {
        entries.put(linkState.routerId(), new Entry(linkState, nowNanos));
        if (!oldestNanosValid) {
            oldestNanos = nowNanos;
            oldestNanosValid = true;
        }
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

    /**
     * Ids of records other than {@code selfId} stored at or before {@code nowNanos - maxAgeNanos}. Scans only when the
     * oldest receive time seen by the last scan could have reached the max age, so calling it every tick is cheap.
     */
    public List<String> olderThan(long nowNanos, long maxAgeNanos, String selfId) {
        if (oldestNanosValid && nowNanos - oldestNanos < maxAgeNanos) {
            return List.of(); // puts only make records younger, so nothing can be old enough yet
        }
        List<String> old = new ArrayList<>();
        boolean any = false;
        long oldest = 0;
        for (Entry entry : entries.values()) {
            if (entry.linkState().routerId().equals(selfId)) {
                continue;
            }
            if (nowNanos - entry.receivedNanos() >= maxAgeNanos) {
                old.add(entry.linkState().routerId());
            } else if (!any || entry.receivedNanos() - oldest < 0) {
                oldest = entry.receivedNanos();
                any = true;
            }
        }
        oldestNanos = oldest;
        oldestNanosValid = any;
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
