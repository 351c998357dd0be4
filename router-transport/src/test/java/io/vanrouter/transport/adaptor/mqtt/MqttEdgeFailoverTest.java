package io.vanrouter.transport.adaptor.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.Channel;
import io.vanrouter.transport.adaptor.mqtt.PahoClients.Received;
import io.vanrouter.transport.link.ActiveLink;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A QoS 1 message on its way to an edge router's subscriber through an uplink that dies is not lost: the subscriber's
 * edge moves to its other uplink, and the ingress sends the message again to where the subscriber is advertised now.
 */
@Timeout(90)
class MqttEdgeFailoverTest {
    private static final Duration DELIVERY = Duration.ofSeconds(30);

    private final MqttTestNetwork network = new MqttTestNetwork();
    private final PahoClients paho = new PahoClients();

    @AfterEach
    void tearDown() {
        paho.close();
        network.close();
    }

    @Test
    void shouldSendAQos1CopyAgainToWhereTheEdgeSubscriberMovedWhenItsUplinkDied() throws Exception {
        network.start("i1");
        network.start("i2", "i1");
        network.awaitFullMesh();
        network.startEdge("e", "i1", "i2");
        Received onEdge = paho.subscribe(network.node("e").uri(), "sub-e", "t/#", 1);
        network.awaitSubscribers("i2", "t/x", Set.of("i1")); // i1 advertises its edge's subscriber as its own

        // The copy from i2 reaches i1 and goes no further: i1 is about to die with it.
        ActiveLink fromI2 = network.node("i1").server().activeLink("i2");
        await().atMost(DELIVERY).until(() -> fromI2.data().count() == fromI2.data().agreed());
        List<Channel> dataOnI1 = fromI2.data().all();
        assertThat(dataOnI1).as("the routers agree on data connections").isNotEmpty();
        SwallowedMessages swallowed = SwallowedMessages.on(dataOnI1);

        try (Qos1Publish publish = Qos1Publish.send(network.node("i2").uri(), "pub-i2", "t/x",
                PahoClients.payload("i2", 0))) {
            await().atMost(DELIVERY).until(() -> swallowed.count() == 1);
            assertThat(publish.acknowledged()).isFalse();

            network.stop("i1");

            // The edge is on i2 at once; i2 waits its grace for i1's subscribers to show up elsewhere, then sends.
            await().atMost(DELIVERY).until(() -> !onEdge.payloads.isEmpty());
            assertThat(onEdge.payloads).as("delivered, a duplicate allowed after a fault").allMatch("i2:0"::equals);
            await().atMost(DELIVERY).until(publish::acknowledged);
            // The retarget to e, and possibly one try toward i1 when its link was gone but its subscribers not yet
            // withdrawn (no route: nothing left i2, hence no duplicate).
            assertThat(network.node("i2").server().messageRouter().counters().resent()).isBetween(1L, 2L);
        }
    }
}
