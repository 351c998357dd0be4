package io.vanrouter.core.address;

import io.vanrouter.core.message.AddressUpdate;
import io.vanrouter.core.message.AddressSnapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AddressAdvertiserTest {

    private final ManualClock clock = new ManualClock();
    private final AddressAdvertiser advertiser = new AddressAdvertiser("R-a", 7, clock);
    private final Address orders = Address.plain("orders");
    private final Address sport = Address.topicFilter("sport/#");

    @Test
    void shouldWaitForTheBatchIntervalBeforeSendingAnUpdate() {
        advertiser.localAdd(orders);

        assertThat(advertiser.pollUpdate(clock.advanceMillis(99))).isEmpty();
        AddressUpdate update = advertiser.pollUpdate(clock.advanceMillis(1)).orElseThrow();

        assertThat(update.routerId()).isEqualTo("R-a");
        assertThat(update.instance()).isEqualTo(7);
        assertThat(update.sequence()).isEqualTo(1);
        assertThat(update.adds()).containsExactly(new AddressEntry(orders, 1));
        assertThat(update.removes()).isEmpty();
    }

    @Test
    void shouldBatchSeveralChangesIntoOneUpdate() {
        advertiser.localAdd(orders);
        clock.advanceMillis(50);
        advertiser.localAdd(sport);
        advertiser.localAdd(orders);

        AddressUpdate update = advertiser.pollUpdate(clock.advanceMillis(50)).orElseThrow();

        assertThat(update.adds()).containsExactlyInAnyOrder(new AddressEntry(orders, 2), new AddressEntry(sport, 1));
        assertThat(advertiser.pollUpdate(clock.advanceMillis(500))).isEmpty();
    }

    @Test
    void shouldCancelAddThenRemoveWithinOneBatch() {
        advertiser.localAdd(orders);
        advertiser.localRemove(orders);

        assertThat(advertiser.pollUpdate(clock.advanceMillis(200))).isEmpty();
        assertThat(advertiser.sequence()).isZero();
        assertThat(advertiser.hasPendingChanges()).isFalse();
    }

    @Test
    void shouldIncrementSequenceAndWithdrawOnLastConsumer() {
        advertiser.localAdd(orders);
        advertiser.pollUpdate(clock.advanceMillis(100)).orElseThrow();
        advertiser.localRemove(orders);

        AddressUpdate update = advertiser.pollUpdate(clock.advanceMillis(100)).orElseThrow();

        assertThat(update.sequence()).isEqualTo(2);
        assertThat(update.adds()).isEmpty();
        assertThat(update.removes()).containsExactly(orders);
    }

    @Test
    void shouldSendAtMostOneUpdatePerBatchInterval() {
        int updates = 0;
        for (int ms = 0; ms < 1000; ms += 10) {
            advertiser.localAdd(Address.plain("a" + ms));
            if (advertiser.pollUpdate(clock.advanceMillis(10)).isPresent()) {
                updates++;
            }
        }
        assertThat(updates).isBetween(9, 10);
    }

    @Test
    void shouldAdvertiseCountChangesButNotUnchangedCounts() {
        advertiser.localAdd(orders);
        advertiser.pollUpdate(clock.advanceMillis(100)).orElseThrow();
        advertiser.localAdd(orders);
        advertiser.localRemove(orders);

        assertThat(advertiser.pollUpdate(clock.advanceMillis(100))).isEmpty();

        advertiser.localAdd(orders);
        assertThat(advertiser.pollUpdate(clock.advanceMillis(100)).orElseThrow().adds())
                .containsExactly(new AddressEntry(orders, 2));
    }

    @Test
    void shouldSnapshotTheAdvertisedStateNotThePendingOne() {
        advertiser.localAdd(orders);
        advertiser.pollUpdate(clock.advanceMillis(100)).orElseThrow();
        advertiser.localAdd(sport);

        AddressSnapshot snapshot = advertiser.snapshot();

        assertThat(snapshot.sequence()).isEqualTo(1);
        assertThat(snapshot.entries()).containsExactly(new AddressEntry(orders, 1));
        assertThat(advertiser.localCount(sport)).isEqualTo(1);
    }

    @Test
    void shouldRefuseToRemoveAnAbsentConsumer() {
        assertThatThrownBy(() -> advertiser.localRemove(orders)).isInstanceOf(IllegalStateException.class);
    }
}
