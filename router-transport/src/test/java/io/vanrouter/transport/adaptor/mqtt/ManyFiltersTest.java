package io.vanrouter.transport.adaptor.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vanrouter.core.address.Address;
import io.vanrouter.transport.TransportSettings;
import io.vanrouter.transport.link.ActiveLink;
import io.vanrouter.transport.adaptor.mqtt.MqttTestNetwork.Node;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A router with more subscriptions than one frame can list (one filter per device, as IoT deployments do): its
 * address snapshot and a large batched update exceed the 1 MiB frame limit, travel as FRAGMENT frames, and the
 * other routers learn every filter, while the link stays up: a large frame is decoded and applied in slices, so
 * hellos are never held behind it.
 */
@Timeout(120)
class ManyFiltersTest {
    /** About 25 bytes per entry on the wire: 60,000 entries are 1.5 MB, above the default frame limit. */
    private static final int FILTERS = 60_000;
    private static final Duration LEARN = Duration.ofSeconds(60);

    private final MqttTestNetwork network = new MqttTestNetwork();

    @AfterEach
    void tearDown() {
        network.close();
    }

    @Test
    void shouldLearnMoreFiltersThanOneFrameHoldsBySnapshotAndByUpdate() throws Exception {
        assertThat(FILTERS * 25L).isGreaterThan(TransportSettings.MAX_FRAME_BYTES_DEFAULT);
        Node a = network.start("a");
        for (int i = 0; i < FILTERS; i++) {
            a.core().submitAddConsumer(Address.topicFilter("devices/" + i + "/cmd"));
        }
        await().atMost(LEARN).until(() -> a.core().addressView().topicFilters().size() == FILTERS);

        // b learns a's filters from the snapshot a sends when the link comes up.
        Node b = network.start("b", "a");
        network.awaitFullMesh();
        long link = b.server().activeLink("a").linkId();
        await().atMost(LEARN).pollInterval(Duration.ofMillis(100))
                .until(() -> b.core().addressView().topicFilters().size() == FILTERS);

        // Another batch of the same size arrives at b as one large update.
        for (int i = FILTERS; i < 2 * FILTERS; i++) {
            a.core().submitAddConsumer(Address.topicFilter("devices/" + i + "/cmd"));
        }
        await().atMost(LEARN).pollInterval(Duration.ofMillis(100))
                .until(() -> b.core().addressView().topicFilters().size() == 2 * FILTERS);
        assertThat(b.route("devices/" + (2 * FILTERS - 1) + "/cmd").remoteSubscribers().keySet())
                .isEqualTo(Set.of("a"));
        assertThat(b.route("devices/0/cmd").remoteSubscribers().keySet()).isEqualTo(Set.of("a"));
        // Decoding and applying the large frames never held a loop or the core past the dead interval.
        assertThat(b.server().activeLink("a")).as("the link a-b never went down").isNotNull()
                .extracting(ActiveLink::linkId).isEqualTo(link);
    }
}
