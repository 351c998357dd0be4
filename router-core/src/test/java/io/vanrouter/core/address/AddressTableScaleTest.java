package io.vanrouter.core.address;

import static org.assertj.core.api.Assertions.assertThat;

import io.vanrouter.core.message.AddressUpdate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The address table at scale (docs/scale.md): N plain addresses advertised by ten other routers arrive as updates
 * of 1,000 entries; the retained heap per address (table plus the published view) must stay under 1 KiB. The
 * suite runs 100,000 addresses; docs/scale.md has 1,000,000:
 * <pre>
 *   mvn -B -o -q -pl router-core test -Dtest=AddressTableScaleTest -Dscale.addresses=1000000
 * </pre>
 * The heap figure comes from the used heap after full collections before and after, so it includes everything the
 * table keeps; the time is wall-clock on whatever else the machine runs, a rough figure, not a benchmark.
 */
class AddressTableScaleTest {
    private static final int ADDRESSES = Integer.getInteger("scale.addresses", 100_000);
    private static final int ORIGINS = 10;
    private static final int BATCH = 1_000;

    @Test
    void shouldKeepAnAddressInUnderOneKibibyte() {
        long heapBefore = usedHeapAfterGc();
        AddressTable table = new AddressTable("self", 1, AddressRules.none(), () -> 0L);
        int perOrigin = ADDRESSES / ORIGINS;
        long started = System.nanoTime();
        for (int o = 0; o < ORIGINS; o++) {
            for (int first = 0, sequence = 1; first < perOrigin; first += BATCH, sequence++) {
                List<AddressEntry> adds = new ArrayList<>(BATCH);
                for (int i = first; i < Math.min(perOrigin, first + BATCH); i++) {
                    adds.add(new AddressEntry(Address.plain("site-" + o + "/service-" + i), 1));
                }
                assertThat(table.onUpdate(new AddressUpdate("origin-" + o, 1, sequence, adds, List.of())))
                        .isEqualTo(UpdateOutcome.APPLIED);
            }
        }
        AddressSnapshotView view = table.view();
        long elapsedNanos = System.nanoTime() - started;
        long heapAfter = usedHeapAfterGc();

        assertThat(view.route("site-3/service-7").remoteConsumers()).containsOnlyKeys("origin-3");
        double bytesPerAddress = (double) (heapAfter - heapBefore) / ADDRESSES;
        System.out.printf("scale: %d addresses from %d routers: %.0f bytes of heap per address (table and view), "
                + "applied and viewed in %d ms (%.0f entries/s)%n", ADDRESSES, ORIGINS, bytesPerAddress,
                elapsedNanos / 1_000_000, ADDRESSES / (elapsedNanos / 1e9));
        assertThat(bytesPerAddress).as("heap per address").isLessThan(1_024);
        assertThat(table.view()).isSameAs(view); // keep the table reachable until measured
    }

    private static long usedHeapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) { // a few rounds: finalizable and soft references need more than one
            System.gc();
            used = Math.min(used, runtime.totalMemory() - runtime.freeMemory());
        }
        return used;
    }
}
