package io.vanrouter.core;

import io.vanrouter.core.address.AddressAdvertiser;
import io.vanrouter.core.address.AddressSnapshotView;
import io.vanrouter.core.address.AddressTable;
import io.vanrouter.core.address.UpdateOutcome;
import io.vanrouter.core.linkstate.LinkState;
import io.vanrouter.core.linkstate.LinkStateDatabase;
import io.vanrouter.core.message.AddressSnapshot;
import io.vanrouter.core.message.AddressSyncRequest;
import io.vanrouter.core.message.AddressUpdate;
import io.vanrouter.core.message.ControlMessage;
import io.vanrouter.core.path.RoutingTable;
import io.vanrouter.core.port.AddressViewListener;
import io.vanrouter.core.port.ControlSender;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves address updates between the {@link AddressTable} and the neighbours: floods local batches and applied
 * updates, answers sync requests, resyncs new neighbours, withdraws the addresses of routers that just became
 * unreachable, and publishes the address view when it changed.
 *
 * <p>Core thread only.
 */
final class AddressSync {
    private static final Logger LOG = LoggerFactory.getLogger("vanrouter.address");
    /** One snapshot request per origin per this interval: every update after a gap would otherwise ask again. */
    static final long SYNC_REQUEST_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final String self;
    private final AddressTable table;
    private final ControlSender sender;
    private final AddressViewListener listener;
    private final Map<String, Long> lastSyncRequestNanos = new HashMap<>();
    private Set<String> reachable = Set.of();
    private long publishedGeneration = -1;

    AddressSync(String self, AddressTable table, ControlSender sender, AddressViewListener listener) {
        this.self = self;
        this.table = table;
        this.sender = sender;
        this.listener = listener;
    }

    AddressTable table() {
        return table;
    }

    void onUpdate(long fromLink, AddressUpdate update, Collection<Long> twoWayLinks, long now) {
        UpdateOutcome outcome = table.onUpdate(update);
        handle(outcome, fromLink, update.routerId(), update, twoWayLinks, now);
    }

    void onSnapshot(long fromLink, AddressSnapshot snapshot, Collection<Long> twoWayLinks, long now) {
        UpdateOutcome outcome = table.onSnapshot(snapshot);
        handle(outcome, fromLink, snapshot.origin(), snapshot, twoWayLinks, now);
    }

    void onSyncRequest(long fromLink, AddressSyncRequest request) {
        table.snapshotOf(request.origin()).ifPresent(snapshot -> sender.send(fromLink, snapshot));
    }

    /** A link just became two-way: send it every origin's snapshot, ours first. */
    void resync(long linkId) {
        for (AddressSnapshot snapshot : table.snapshotAll()) {
            sender.send(linkId, snapshot);
        }
    }

    /**
     * Edge mode: tells an uplink that is no longer the active one that this router has no consumers there (an empty
     * snapshot at the current sequence), so it withdraws what it advertised for us. The link is ordered (TCP), so the
     * empty snapshot lands after anything sent there before.
     */
    void withdrawOwn(long linkId) {
        AddressAdvertiser advertiser = table.advertiser();
        sender.send(linkId, new AddressSnapshot(self, advertiser.instance(), advertiser.sequence(), List.of()));
    }

    private void handle(UpdateOutcome outcome, long fromLink, String origin, ControlMessage message,
            Collection<Long> twoWayLinks, long now) {
        switch (outcome) {
            case APPLIED -> flood(message, twoWayLinks, fromLink);
            case REQUEST_SNAPSHOT -> requestSnapshot(fromLink, origin, now);
            default -> {
                // duplicate or stale: the flood ends here
            }
        }
    }

    private void requestSnapshot(long fromLink, String origin, long now) {
        Long last = lastSyncRequestNanos.get(origin);
        if (last != null && now - last < SYNC_REQUEST_INTERVAL_NANOS) {
            return;
        }
        lastSyncRequestNanos.put(origin, now);
        LOG.debug("[{} L{}] address updates of {} have a gap: requesting a snapshot", self, fromLink, origin);
        sender.send(fromLink, new AddressSyncRequest(origin));
    }

    private void flood(ControlMessage message, Collection<Long> twoWayLinks, long exceptLink) {
        for (long linkId : twoWayLinks) {
            if (linkId != exceptLink) {
                sender.send(linkId, message);
            }
        }
    }

    /**
     * A link-state record says its origin had advertised up to {@code addressSequence}: if we hold less, ask the
     * neighbour it came through for a snapshot. This repairs an update lost with a link, or withdrawn while the
     * origin was briefly unreachable.
     */
    void checkBehind(long viaLink, LinkState record, long now) {
        if (table.isBehind(record.routerId(), record.instance(), record.addressSequence())) {
            requestSnapshot(viaLink, record.routerId(), now);
        }
    }

    /** Sends this router's batched local changes, if any are due, and publishes a changed view. */
    void tick(long now, Collection<Long> twoWayLinks) {
        table.pollUpdate(now).ifPresent(update -> flood(update, twoWayLinks, -1));
        AddressSnapshotView view = table.view();
        if (view.generation() != publishedGeneration) {
            publishedGeneration = view.generation();
            listener.onAddressView(view);
        }
    }

    /**
     * Withdraws the addresses of routers that were reachable and no longer are. Only the transition counts: an
     * origin whose snapshot arrives just before the link state that makes it reachable must not be dropped.
     */
    void onRoutingTable(RoutingTable routes, LinkStateDatabase database, long nowNanos) {
        Set<String> now = new HashSet<>(routes.routes().keySet());
        Set<String> lost = new HashSet<>(reachable);
        lost.removeAll(now);
        Set<String> found = new HashSet<>(now);
        found.removeAll(reachable);
        reachable = now;
        if (!lost.isEmpty()) {
            table.onRoutersUnreachable(lost);
        }
        for (String origin : found) {
            LinkState record = database.get(origin);
            if (record != null) {
                checkBehind(routes.routes().get(origin).linkId(), record, nowNanos);
            }
        }
    }
}
