package io.vanrouter.core.linkstate;

import io.vanrouter.core.message.LinkStateUpdate;
import io.vanrouter.core.port.ControlSender;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Link-state origination, flooding and aging for one router, over its {@link LinkStateDatabase}.
 *
 * <ul>
 *   <li>Own record: re-originated (sequence + 1) on every adjacency change and every refresh interval, flooded to all
 *       two-way links. It never ages.</li>
 *   <li>A received record newer than ours ({@link LinkState#isNewerThan}) is stored and flooded to every two-way link
 *       but the one it came from; an equal one is dropped (this ends every flood); an older one is answered with our
 *       newer copy on the link it came from.</li>
 *   <li>A received record for our own id with an older instance or sequence is answered with our current record; one
 *       with a larger instance means another router uses our id: logged at ERROR once per foreign instance.</li>
 *   <li>Remote records not refreshed for the max age are removed.</li>
 * </ul>
 *
 * <p>Core thread only.
 */
public final class FloodingEngine {
    private static final Logger LOG = LoggerFactory.getLogger("vanrouter.linkstate");

    /** What a received update did. */
    public enum UpdateResult {
        /** Stored and flooded; its peers differ from the copy it replaced (routes must be recomputed). */
        STORED_CHANGED,
        /** Stored and flooded; a refresh with the same peers (routes unaffected). */
        STORED_REFRESH,
        DUPLICATE,
        ANSWERED_STALE,
        OWN,
        MALFORMED
    }

    private final String selfId;
    private final long instance;
    private final ControlSender sender;
    private final LinkStateDatabase database;
    private final long refreshNanos;
    private final long maxAgeNanos;
    private final Set<Long> duplicateInstancesLogged = new HashSet<>();
    private LinkState own;
    private LongSupplier addressSequence = () -> 0;
    private long nextRefreshNanos;
    /** When our record last listed other peers or costs than before; {@link Long#MIN_VALUE} before the first. */
    private long peersChangedNanos = Long.MIN_VALUE;

    public FloodingEngine(String selfId, long instance, ControlSender sender, LinkStateDatabase database,
            long refreshMillis, long maxAgeMillis, long nowNanos) {
        this.selfId = selfId;
        this.instance = instance;
        this.sender = sender;
        this.database = database;
        this.refreshNanos = refreshMillis * 1_000_000L;
        this.maxAgeNanos = maxAgeMillis * 1_000_000L;
        this.own = new LinkState(selfId, instance, 0, Map.of());
        database.put(own, nowNanos);
        this.nextRefreshNanos = nowNanos + refreshNanos;
    }

    /** Where the address sequence carried in our own record comes from; 0 until set. */
    public void addressSequenceSource(LongSupplier source) {
        this.addressSequence = source;
    }

    public LinkStateDatabase database() {
        return database;
    }

    public LinkState own() {
        return own;
    }

    /** When our record last changed its peers or their costs; {@link Long#MIN_VALUE} if it never listed any. */
    public long peersChangedNanos() {
        return peersChangedNanos;
    }

    /** True when our record lists exactly {@code peers}. */
    public boolean ownPeersEqual(Map<String, Integer> peers) {
        return own.peers().equals(peers);
    }

    /** Stores our record with {@code peers} and the next sequence, and floods it on {@code floodLinks}. */
    public void originate(Map<String, Integer> peers, List<Long> floodLinks, long nowNanos) {
        if (!own.peers().equals(peers)) {
            peersChangedNanos = nowNanos;
        }
        own = new LinkState(selfId, instance, own.sequence() + 1, peers, addressSequence.getAsLong());
        database.put(own, nowNanos);
        nextRefreshNanos = nowNanos + refreshNanos;
        LOG.debug("[{}] originate link state seq {} peers {} to {} links", selfId, own.sequence(), own.peers(),
                floodLinks.size());
        send(floodLinks, own, -1);
    }

    /** Re-originates an unchanged record when the refresh interval has passed; returns true if it did. */
    public boolean refreshIfDue(List<Long> floodLinks, long nowNanos) {
        if (nowNanos - nextRefreshNanos < 0) {
            return false;
        }
        originate(own.peers(), floodLinks, nowNanos);
        return true;
    }

    /** Handles a record received on {@code fromLink}; {@code floodLinks} are the current two-way links. */
    public UpdateResult onUpdate(long fromLink, LinkState received, List<Long> floodLinks, long nowNanos) {
        String problem = malformed(received);
        if (problem != null) {
            LOG.warn("[{} L{}] dropped malformed link state: {}", selfId, fromLink, problem);
            return UpdateResult.MALFORMED;
        }
        if (received.routerId().equals(selfId)) {
            onOwnId(fromLink, received, floodLinks, nowNanos);
            return UpdateResult.OWN;
        }
        LinkState stored = database.get(received.routerId());
        if (stored == null || received.isNewerThan(stored)) {
            database.put(received, nowNanos);
            LOG.debug("[{} L{}] link state of {} seq {} instance {} stored, flooding", selfId, fromLink,
                    received.routerId(), received.sequence(), received.instance());
            send(floodLinks, received, fromLink);
            boolean samePeers = stored != null && stored.peers().equals(received.peers());
            return samePeers ? UpdateResult.STORED_REFRESH : UpdateResult.STORED_CHANGED;
        }
        if (stored.isNewerThan(received)) {
            LOG.debug("[{} L{}] stale link state of {} seq {}, answering with seq {}", selfId, fromLink,
                    received.routerId(), received.sequence(), stored.sequence());
            sender.send(fromLink, new LinkStateUpdate(stored));
            return UpdateResult.ANSWERED_STALE;
        }
        return UpdateResult.DUPLICATE;
    }

    private void onOwnId(long fromLink, LinkState received, List<Long> floodLinks, long nowNanos) {
        if (received.instance() > instance) {
            if (duplicateInstancesLogged.add(received.instance())) {
                LOG.error("[{} L{}] duplicate router id {} detected in the network (instance {})", selfId, fromLink,
                        selfId, received.instance());
            }
            return;
        }
        if (received.instance() == instance && received.sequence() > own.sequence()) {
            // Only possible if this instance number was reused by an earlier boot: jump past it so ours wins.
            LOG.warn("[{} L{}] own link state seq {} seen ahead of ours ({}); re-originating past it", selfId,
                    fromLink, received.sequence(), own.sequence());
            own = new LinkState(selfId, instance, received.sequence(), own.peers());
            originate(own.peers(), floodLinks, nowNanos);
            return;
        }
        if (own.isNewerThan(received)) {
            sender.send(fromLink, new LinkStateUpdate(own));
        }
    }

    /** Full resync: sends every stored record, ours included, on a link that just became two-way. */
    public void resync(long linkId) {
        LOG.debug("[{} L{}] full resync: sending {} records", selfId, linkId, database.size());
        for (LinkState record : database.records()) {
            sender.send(linkId, new LinkStateUpdate(record));
        }
    }

    /**
     * A neighbour's link came up with {@code peerInstance}: if we hold an older instance of its record, that boot is
     * over, so the record is removed at once. Returns true if it removed one.
     */
    public boolean onPeerInstance(String peerId, long peerInstance) {
        LinkState stored = database.get(peerId);
        if (stored != null && !peerId.equals(selfId) && peerInstance > stored.instance()) {
            database.remove(peerId);
            LOG.info("[{} peer={}] restarted (instance {} -> {}): old link state removed", selfId, peerId,
                    stored.instance(), peerInstance);
            return true;
        }
        return false;
    }

    /** Removes remote records not refreshed for the max age; returns their ids. */
    public List<String> age(long nowNanos) {
        List<String> old = database.olderThan(nowNanos, maxAgeNanos, selfId);
        for (String routerId : old) {
            database.remove(routerId);
            LOG.info("[{}] link state of {} aged out (not refreshed for {} ms)", selfId, routerId,
                    maxAgeNanos / 1_000_000L);
        }
        return old;
    }

    private void send(List<Long> links, LinkState record, long exceptLink) {
        LinkStateUpdate update = null;
        for (long linkId : links) {
            if (linkId != exceptLink) {
                if (update == null) {
                    update = new LinkStateUpdate(record);
                }
                sender.send(linkId, update);
            }
        }
    }

    /** Why a record cannot be used, or null if it is well formed. Pure. */
    static String malformed(LinkState record) {
        if (record == null) {
            return "null record";
        }
        if (record.routerId().isEmpty() || record.sequence() < 0 || record.peers() == null) {
            return "bad header (id '" + record.routerId() + "', seq " + record.sequence() + ")";
        }
        for (Map.Entry<String, Integer> peer : record.peers().entrySet()) {
            Integer cost = peer.getValue();
            if (peer.getKey().isEmpty() || peer.getKey().equals(record.routerId())) {
                return "bad peer id '" + peer.getKey() + "' in record of " + record.routerId();
            }
            if (cost == null || cost < 1) {
                return "bad cost " + cost + " to " + peer.getKey() + " in record of " + record.routerId();
            }
        }
        return null;
    }
}
