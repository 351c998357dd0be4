package io.vanrouter.core.address;

import static org.assertj.core.api.Assertions.assertThat;

import io.vanrouter.core.message.AddressSnapshot;
import io.vanrouter.core.message.AddressUpdate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Snapshots larger than one slice go in a slice at a time and end exactly as if applied at once. */
class SlicedSnapshotTest {
    private static final int SLICE = AddressTable.SNAPSHOT_SLICE_ENTRIES;

    private final AddressTable table = new AddressTable("R-a", 1, AddressRules.none(), new ManualClock());

    private static List<AddressEntry> entries(int from, int to, int consumers) {
        List<AddressEntry> entries = new ArrayList<>();
        for (int i = from; i < to; i++) {
            entries.add(new AddressEntry(Address.plain("svc-" + i), consumers));
        }
        return entries;
    }

    private boolean served(int i) {
        return table.view().route("svc-" + i).remoteConsumers().containsKey("R-b");
    }

    @Test
    void shouldApplyALargeSnapshotInSlicesAndWithdrawWhatItNoLongerLists() {
        // Held: svc-0 .. svc-99. The snapshot lists svc-50 .. svc-(50 + 3 slices + 7).
        table.onSnapshot(new AddressSnapshot("R-b", 5, 1, entries(0, 100, 1)));
        assertThat(table.hasPending()).isFalse();
        assertThat(served(0)).isTrue();
        int last = 50 + 3 * SLICE + 7;

        assertThat(table.onSnapshot(new AddressSnapshot("R-b", 5, 2, entries(50, last, 2))))
                .isEqualTo(UpdateOutcome.APPLIED);

        assertThat(table.hasPending()).isTrue();
        assertThat(served(0)).as("old entries stay until the snapshot is whole").isTrue();
        assertThat(served(last - 1)).as("views show a pending snapshot only when whole").isFalse();
        int slices = 1;
        while (table.hasPending()) {
            table.applyPending(SLICE);
            slices++;
        }
        assertThat(slices).isEqualTo(4);
        assertThat(served(0)).isFalse();
        assertThat(served(49)).isFalse();
        assertThat(table.view().route("svc-50").remoteConsumers()).containsEntry("R-b", 2);
        assertThat(served(last - 1)).isTrue();
        assertThat(served(last)).isFalse();
        assertThat(table.snapshotOf("R-b").orElseThrow().entries()).hasSize(last - 50);
    }

    @Test
    void shouldFinishAPendingSnapshotBeforeTheNextUpdateOfItsOrigin() {
        table.onSnapshot(new AddressSnapshot("R-b", 5, 1, entries(0, 2 * SLICE, 1)));
        assertThat(table.hasPending()).isTrue();

        AddressUpdate next = new AddressUpdate("R-b", 5, 2, List.of(), List.of(Address.plain("svc-" + (2 * SLICE - 1))));
        assertThat(table.onUpdate(next)).isEqualTo(UpdateOutcome.APPLIED);

        assertThat(table.hasPending()).isFalse();
        assertThat(served(2 * SLICE - 2)).isTrue();
        assertThat(served(2 * SLICE - 1)).as("removed by the update that followed the snapshot").isFalse();
    }

    @Test
    void shouldDropAPendingSnapshotOfARouterThatBecameUnreachable() {
        table.onSnapshot(new AddressSnapshot("R-b", 5, 1, entries(0, 2 * SLICE, 1)));

        table.onRoutersUnreachable(java.util.Set.of("R-b"));

        assertThat(table.hasPending()).isFalse();
        assertThat(served(0)).isFalse();
        assertThat(table.snapshotOf("R-b")).isEmpty();
    }
}
