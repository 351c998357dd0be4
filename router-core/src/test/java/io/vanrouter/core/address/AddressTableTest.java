package io.vanrouter.core.address;

import io.vanrouter.core.message.AddressUpdate;
import io.vanrouter.core.message.AddressSnapshot;
import io.vanrouter.core.message.AddressSyncRequest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class AddressTableTest {

    private final ManualClock clock = new ManualClock();
    private final AddressTable table = new AddressTable("R-a", 1, AddressRules.none(), clock);
    private final Address orders = Address.plain("orders");
    private final Address payments = Address.plain("payments");

    private static AddressUpdate update(String origin, long instance, long seq, List<AddressEntry> adds,
                                        List<Address> removes) {
        return new AddressUpdate(origin, instance, seq, adds, removes);
    }

    private static AddressEntry entry(Address address, int count) {
        return new AddressEntry(address, count);
    }

    @Test
    void shouldApplyNextSequenceAndAskToFloodIt() {
        assertThat(table.onUpdate(update("R-b", 5, 1, List.of(entry(orders, 2)), List.of())))
                .isEqualTo(UpdateOutcome.APPLIED);

        AddressRoute route = table.view().route("orders");
        assertThat(route.remoteConsumers()).containsExactly(Map.entry("R-b", 2));
        assertThat(route.localConsumers()).isZero();
        assertThat(route.distribution()).isEqualTo(Distribution.BALANCED);
    }

    @Test
    void shouldIgnoreDuplicateUpdate() {
        AddressUpdate first = update("R-b", 5, 1, List.of(entry(orders, 1)), List.of());
        table.onUpdate(first);
        table.onUpdate(update("R-b", 5, 2, List.of(), List.of(orders)));

        assertThat(table.onUpdate(first)).isEqualTo(UpdateOutcome.DUPLICATE);
        assertThat(table.view().route("orders").hasConsumers()).isFalse();
        assertThat(table.counter(AddressTable.Counter.DUPLICATES)).isEqualTo(1);
    }

    @Test
    void shouldRequestSnapshotOnGapAndKeepHeldEntries() {
        table.onUpdate(update("R-b", 5, 1, List.of(entry(orders, 1)), List.of()));

        assertThat(table.onUpdate(update("R-b", 5, 3, List.of(entry(payments, 1)), List.of())))
                .isEqualTo(UpdateOutcome.REQUEST_SNAPSHOT);
        assertThat(table.view().route("orders").remoteConsumers()).containsKey("R-b");
        assertThat(table.view().route("payments").hasConsumers()).isFalse();
        assertThat(table.heldSequence("R-b")).hasValue(1);
    }

    @Test
    void shouldRequestSnapshotForUnknownOriginNotStartingAtOne() {
        assertThat(table.onUpdate(update("R-c", 9, 4, List.of(entry(orders, 1)), List.of())))
                .isEqualTo(UpdateOutcome.REQUEST_SNAPSHOT);
        assertThat(table.view().route("orders").hasConsumers()).isFalse();
    }

    @Test
    void shouldReplaceOriginEntriesWithNewerSnapshot() {
        table.onUpdate(update("R-b", 5, 1, List.of(entry(orders, 1)), List.of()));

        UpdateOutcome outcome = table.onSnapshot(new AddressSnapshot("R-b", 5, 3, List.of(entry(payments, 4))));

        assertThat(outcome).isEqualTo(UpdateOutcome.APPLIED);
        assertThat(table.view().route("orders").hasConsumers()).isFalse();
        assertThat(table.view().route("payments").remoteConsumers()).containsExactly(Map.entry("R-b", 4));
        assertThat(table.onUpdate(update("R-b", 5, 4, List.of(entry(orders, 1)), List.of())))
                .isEqualTo(UpdateOutcome.APPLIED);
    }

    @Test
    void shouldIgnoreSnapshotNotNewerThanHeld() {
        table.onUpdate(update("R-b", 5, 1, List.of(entry(orders, 1)), List.of()));
        table.onUpdate(update("R-b", 5, 2, List.of(entry(payments, 1)), List.of()));

        assertThat(table.onSnapshot(new AddressSnapshot("R-b", 5, 2, List.of()))).isEqualTo(UpdateOutcome.DUPLICATE);
        assertThat(table.onSnapshot(new AddressSnapshot("R-b", 4, 9, List.of()))).isEqualTo(UpdateOutcome.STALE);
        assertThat(table.view().route("payments").hasConsumers()).isTrue();
    }

    @Test
    void shouldDropOldEntriesAtOnceWhenOriginRestarts() {
        table.onUpdate(update("R-b", 5, 1, List.of(entry(orders, 1)), List.of()));
        table.onUpdate(update("R-b", 5, 2, List.of(entry(payments, 1)), List.of()));

        UpdateOutcome outcome = table.onUpdate(update("R-b", 6, 3, List.of(entry(orders, 1)), List.of()));

        assertThat(outcome).isEqualTo(UpdateOutcome.REQUEST_SNAPSHOT);
        assertThat(table.view().route("orders").hasConsumers()).isFalse();
        assertThat(table.view().route("payments").hasConsumers()).isFalse();
    }

    @Test
    void shouldApplyFirstUpdateOfNewInstanceDirectly() {
        table.onUpdate(update("R-b", 5, 8, List.of(entry(orders, 1)), List.of()));
        table.onSnapshot(new AddressSnapshot("R-b", 5, 8, List.of(entry(orders, 1))));

        assertThat(table.onUpdate(update("R-b", 6, 1, List.of(entry(payments, 1)), List.of())))
                .isEqualTo(UpdateOutcome.APPLIED);
        assertThat(table.view().route("orders").hasConsumers()).isFalse();
        assertThat(table.view().route("payments").hasConsumers()).isTrue();
    }

    @Test
    void shouldIgnoreUpdateFromOlderInstance() {
        table.onUpdate(update("R-b", 6, 1, List.of(entry(orders, 1)), List.of()));

        assertThat(table.onUpdate(update("R-b", 5, 2, List.of(), List.of(orders)))).isEqualTo(UpdateOutcome.STALE);
        assertThat(table.view().route("orders").hasConsumers()).isTrue();
    }

    @Test
    void shouldIgnoreItsOwnUpdates() {
        assertThat(table.onUpdate(update("R-a", 1, 1, List.of(entry(orders, 1)), List.of())))
                .isEqualTo(UpdateOutcome.DUPLICATE);
        assertThat(table.view().route("orders").hasConsumers()).isFalse();
    }

    @Test
    void shouldWithdrawAddressesOfUnreachableRouter() {
        table.onUpdate(update("R-b", 5, 1, List.of(entry(orders, 1), entry(Address.topicFilter("a/#"), 1)),
                List.of()));
        table.onUpdate(update("R-c", 3, 1, List.of(entry(orders, 1)), List.of()));

        table.onRoutersUnreachable(Set.of("R-b"));

        assertThat(table.view().route("orders").remoteConsumers()).containsOnlyKeys("R-c");
        assertThat(table.view().routeTopic("a/b").hasReceivers()).isFalse();
        assertThat(table.snapshotOf("R-b")).isEmpty();
    }

    @Test
    void shouldRecoverWithdrawnRouterThroughSnapshot() {
        table.onUpdate(update("R-b", 5, 1, List.of(entry(orders, 1)), List.of()));
        table.onRoutersUnreachable(Set.of("R-b"));

        assertThat(table.onUpdate(update("R-b", 5, 2, List.of(entry(payments, 1)), List.of())))
                .isEqualTo(UpdateOutcome.REQUEST_SNAPSHOT);
        table.onSnapshot(new AddressSnapshot("R-b", 5, 2, List.of(entry(orders, 1), entry(payments, 1))));

        assertThat(table.view().route("orders").hasConsumers()).isTrue();
        assertThat(table.view().route("payments").hasConsumers()).isTrue();
    }

    @Test
    void shouldShowLocalConsumersAtOnceAndAdvertiseThemLater() {
        table.localAdd(orders);
        table.localAdd(orders);

        assertThat(table.view().route("orders").localConsumers()).isEqualTo(2);
        assertThat(table.view().localConsumers()).containsEntry(orders, 2);
        assertThat(table.snapshotOf("R-a").orElseThrow().entries()).isEmpty();

        AddressUpdate update = table.pollUpdate(clock.advanceMillis(100)).orElseThrow();
        assertThat(update.adds()).containsExactly(entry(orders, 2));
        assertThat(table.snapshotOf("R-a").orElseThrow().sequence()).isEqualTo(1);
    }

    @Test
    void shouldPublishNewGenerationOnlyAfterChange() {
        AddressSnapshotView first = table.view();

        assertThat(table.view()).isSameAs(first);
        table.localAdd(orders);
        AddressSnapshotView second = table.view();

        assertThat(second.generation()).isEqualTo(first.generation() + 1);
        assertThat(first.route("orders").hasConsumers()).isFalse();
        assertThat(second.route("orders").hasConsumers()).isTrue();
    }

    @Test
    void shouldSnapshotEveryKnownOriginForNewNeighbour() {
        table.onUpdate(update("R-c", 3, 1, List.of(entry(orders, 1)), List.of()));
        table.onUpdate(update("R-b", 5, 1, List.of(entry(payments, 2)), List.of()));

        List<AddressSnapshot> all = table.snapshotAll();

        assertThat(all).extracting(AddressSnapshot::origin).containsExactly("R-a", "R-b", "R-c");
        assertThat(all.get(1)).isEqualTo(new AddressSnapshot("R-b", 5, 1, List.of(entry(payments, 2))));
    }

    @Test
    void shouldTellWhenAnAdvertisedSequenceIsAhead() {
        table.onUpdate(update("R-b", 5, 1, List.of(entry(orders, 1)), List.of()));

        assertThat(table.isBehind("R-b", 5, 1)).isFalse();
        assertThat(table.isBehind("R-b", 5, 2)).isTrue();
        assertThat(table.isBehind("R-b", 6, 0)).isTrue();
        assertThat(table.isBehind("R-x", 1, 0)).isFalse();
        assertThat(table.isBehind("R-a", 9, 9)).isFalse();
    }

    @Test
    void shouldRouteTopicsToMulticastSubscribersAndSharedGroups() {
        table.localAdd(Address.topicFilter("sport/#"));
        table.localAdd(Address.sharedFilter("g", "sport/+"));
        table.onUpdate(update("R-b", 5, 1, List.of(entry(Address.topicFilter("sport/tennis"), 1),
                entry(Address.sharedFilter("g", "sport/+"), 3), entry(Address.sharedFilter("h", "#"), 1)),
                List.of()));

        TopicRoute route = table.view().routeTopic("sport/tennis");

        assertThat(route.distribution()).isEqualTo(Distribution.MULTICAST);
        assertThat(route.localSubscribers()).isEqualTo(1);
        assertThat(route.remoteSubscribers()).containsExactly(Map.entry("R-b", 1));
        assertThat(route.groups()).containsExactly(
                new GroupRoute("g", "sport/+", Distribution.BALANCED, 1, new TreeMap<>(Map.of("R-b", 3))),
                new GroupRoute("h", "#", Distribution.BALANCED, 0, new TreeMap<>(Map.of("R-b", 1))));
    }

    @Test
    void shouldConvergeTwoTablesThroughUpdatesGapAndSnapshot() {
        AddressTable b = new AddressTable("R-b", 2, AddressRules.none(), clock);
        b.localAdd(orders);
        AddressUpdate lost = b.pollUpdate(clock.advanceMillis(100)).orElseThrow();
        b.localAdd(payments);
        AddressUpdate next = b.pollUpdate(clock.advanceMillis(100)).orElseThrow();

        assertThat(lost.sequence()).isEqualTo(1);
        assertThat(table.onUpdate(next)).isEqualTo(UpdateOutcome.REQUEST_SNAPSHOT);
        AddressSnapshot answer = b.snapshotOf(new AddressSyncRequest("R-b").origin()).orElseThrow();
        assertThat(table.onSnapshot(answer)).isEqualTo(UpdateOutcome.APPLIED);
        assertThat(table.onUpdate(lost)).isEqualTo(UpdateOutcome.DUPLICATE);

        assertThat(table.view().route("orders").remoteConsumers()).containsOnlyKeys("R-b");
        assertThat(table.view().route("payments").remoteConsumers()).containsOnlyKeys("R-b");
    }
}
