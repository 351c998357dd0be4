package io.vanrouter.transport.adaptor.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.Channel;
import io.vanrouter.transport.adaptor.mqtt.PahoClients.Received;
import io.vanrouter.transport.link.ActiveLink;
import io.vanrouter.transport.message.MessageCounters;
import io.vanrouter.transport.message.MessageCounters.Drop;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Messages travel on a link's data connections, and a QoS 1 copy lost with one is sent again at once. */
@Timeout(90)
class MqttDataConnectionTest {
    private static final Duration DELIVERY = Duration.ofSeconds(30);
    private static final int CONGESTED = 1;

    private final MqttTestNetwork network = new MqttTestNetwork();
    private final PahoClients paho = new PahoClients();

    @AfterEach
    void tearDown() {
        paho.close();
        network.close();
    }

    private ActiveLink link(String from, String to) {
        ActiveLink link = network.node(from).server().activeLink(to);
        await().atMost(DELIVERY).until(() -> link.data().count() == link.data().agreed());
        assertThat(link.data().agreed()).as("the routers agree on data connections").isPositive();
        return link;
    }

    private MessageCounters countersAt(String id) {
        return network.node(id).server().messageRouter().counters();
    }

    /**
     * A transit router drops QoS 0 copies toward a connection that is not writable. With only b's link connection to
     * c made unwritable, every copy still arrives: none of them took the link connection.
     */
    @Test
    void shouldCarryMessagesOnDataConnectionsNotOnTheLinkConnection() throws Exception {
        network.start("a");
        network.start("b", "a");
        network.start("c", "b");
        network.awaitFullMesh();
        Received onC = paho.subscribe(network.node("c").uri(), "sub-c", "t/#", 0);
        network.awaitSubscribers("a", "t/x", Set.of("c"));
        link("a", "b");
        Channel control = link("b", "c").channel();
        control.unsafe().outboundBuffer().setUserDefinedWritability(CONGESTED, false);
        await().atMost(DELIVERY).until(() -> !control.isWritable());

        MqttClient publisher = paho.connect(network.node("a").uri(), "pub-a", null);
        for (int i = 0; i < 200; i++) {
            publisher.publish("t/x", PahoClients.payload("a", i), 0, false);
        }

        await().atMost(DELIVERY).until(() -> onC.count() == 200);
        assertThat(countersAt("b").drops(Drop.LINK_CONGESTED)).isZero();
        assertThat(network.node("c").core().routingTable().route("a")).as("hellos still flow").isPresent();
    }

    /**
     * A QoS 1 copy that b's data connections swallow before they close is lost with them. The ingress sends it again on
     * its next sweep (100 ms) because the link lost a connection, not after the 10 s answer timeout.
     */
    @Test
    void shouldResendAQos1CopyLostWithADataConnectionWithoutWaitingForTheAnswerTimeout() throws Exception {
        network.start("a");
        network.start("b", "a");
        network.awaitFullMesh();
        Received onB = paho.subscribe(network.node("b").uri(), "sub-b", "t/#", 1);
        network.awaitSubscribers("a", "t/x", Set.of("b"));
        link("a", "b");
        List<Channel> dataOnB = link("b", "a").data().all();
        SwallowedMessages swallowed = SwallowedMessages.on(dataOnB);

        try (Qos1Publish publish = Qos1Publish.send(network.node("a").uri(), "pub-a", "t/x",
                PahoClients.payload("a", 0))) {
            await().atMost(DELIVERY).until(() -> swallowed.count() == 1);
            assertThat(publish.acknowledged()).isFalse();

            dataOnB.forEach(Channel::close);

            await().atMost(Duration.ofSeconds(5)).until(publish::acknowledged);
            assertThat(onB.payloads).containsExactly("a:0");
            // Once per lost connection at most: b's connections close one by one, and a sweep that runs between two
            // closes sends the copy on a connection that still swallows it, so a later one sends it again.
            assertThat(countersAt("a").resent()).isBetween(1L, (long) dataOnB.size());
        }
    }
}
