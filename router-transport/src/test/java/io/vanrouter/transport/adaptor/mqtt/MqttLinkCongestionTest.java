package io.vanrouter.transport.adaptor.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.Channel;
import io.vanrouter.transport.adaptor.mqtt.PahoClients.Received;
import io.vanrouter.transport.link.ActiveLink;
import io.vanrouter.transport.message.MessageCounters;
import io.vanrouter.transport.message.MessageCounters.Drop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Transit copies toward a congested link: the line a - b - c with the publisher on a and the subscriber on c; every
 * connection of b's link to c (the link's own and its data connections, which carry the messages) is made unwritable
 * (user-defined writability, as if its high-water mark were passed) while the link itself stays up.
 */
@Timeout(90)
class MqttLinkCongestionTest {
    private static final Duration DELIVERY = Duration.ofSeconds(30);
    private static final int CONGESTED = 1;

    private final MqttTestNetwork network = new MqttTestNetwork();
    private final PahoClients paho = new PahoClients();

    @BeforeEach
    void line() throws Exception {
        network.start("a");
        network.start("b", "a");
        network.start("c", "b");
        network.awaitFullMesh();
    }

    @AfterEach
    void tearDown() {
        paho.close();
        network.close();
    }

    private List<Channel> connectionsBToC() {
        ActiveLink link = network.node("b").server().activeLink("c");
        await().atMost(DELIVERY).until(() -> link.data().count() == link.data().agreed()); // none joins later
        List<Channel> connections = new ArrayList<>(link.data().all());
        connections.add(link.channel());
        return connections;
    }

    private void congest(boolean congested) {
        for (Channel channel : connectionsBToC()) {
            channel.unsafe().outboundBuffer().setUserDefinedWritability(CONGESTED, !congested);
            await().atMost(DELIVERY).until(() -> channel.isWritable() != congested);
        }
    }

    private MessageCounters countersAt(String id) {
        return network.node(id).server().messageRouter().counters();
    }

    /** "a:0" .. "a:(n-1)", as {@link PahoClients#payload} writes them. */
    private static List<String> payloads(int n) {
        List<String> payloads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            payloads.add("a:" + i);
        }
        return payloads;
    }

    @Test
    void shouldDropQos0TransitCopiesWhileNextHopLinkIsNotWritableAndKeepTheLink() throws Exception {
        Received onC = paho.subscribe(network.node("c").uri(), "sub-c", "t/#", 0);
        network.awaitSubscribers("a", "t/x", Set.of("c"));
        congest(true);
        MqttClient publisher = paho.connect(network.node("a").uri(), "pub-a", null);
        for (int i = 0; i < 200; i++) {
            publisher.publish("t/x", PahoClients.payload("a", i), 0, false);
        }

        await().atMost(DELIVERY).until(() -> countersAt("b").drops(Drop.LINK_CONGESTED) == 200);
        assertThat(onC.count()).isZero();
        assertThat(countersAt("c").topics()).as("no copy crossed b -> c").isEmpty();

        congest(false);
        publisher.publish("t/x", PahoClients.payload("a", 200), 0, false);
        await().atMost(DELIVERY).until(() -> onC.count() == 1);
        assertThat(onC.payloads).containsExactly("a:200");
        assertThat(network.node("b").server().counters().slowLinkCloses()).isZero();
        assertThat(network.node("c").core().routingTable().route("a")).as("the link stayed up").isPresent();
    }

    @Test
    void shouldForwardMulticastQos1TransitCopiesOverAnUnwritableLinkBelowTheirLimit() throws Exception {
        Received onC = paho.subscribe(network.node("c").uri(), "sub-c", "t/#", 1);
        network.awaitSubscribers("a", "t/x", Set.of("c"));
        congest(true);
        MqttClient publisher = paho.connect(network.node("a").uri(), "pub-a", null);
        for (int i = 0; i < 100; i++) {
            publisher.publish("t/x", PahoClients.payload("a", i), 1, false);
        }

        await().atMost(DELIVERY).until(() -> onC.count() >= 100);
        assertThat(onC.payloads).as("each copy once, in publish order").containsExactlyElementsOf(payloads(100));
        assertThat(countersAt("b").totalDrops()).isZero();
    }

    @Test
    void shouldHoldSharedQos1CopiesAtTheIngressUntilTheCongestedLinkDrains() throws Exception {
        Received member = paho.subscribe(network.node("c").uri(), "member-c", "$share/g/jobs/#", 1);
        network.awaitGroup("a", "jobs/1", "g", Set.of("c"));
        congest(true);
        MqttClient publisher = paho.connect(network.node("a").uri(), "pub-a", null);
        List<MqttDeliveryToken> tokens = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            MqttMessage message = new MqttMessage(PahoClients.payload("a", i));
            message.setQos(1);
            tokens.add(publisher.getTopic("jobs/1").publish(message));
        }

        await().atMost(DELIVERY).until(() -> countersAt("b").drops(Drop.LINK_CONGESTED) >= 40); // refused, retried
        assertThat(member.count()).isZero();
        assertThat(tokens).as("no PUBACK while no member took the message").noneMatch(MqttDeliveryToken::isComplete);

        congest(false);
        await().atMost(DELIVERY).until(() -> tokens.stream().allMatch(MqttDeliveryToken::isComplete));
        // Each exactly once: the only resends were of copies b refused, which c never saw (a second copy would need
        // c's acknowledgement to take longer than AnycastTracker.ACK_TIMEOUT_NANOS, 10 s). Order may change on resend.
        assertThat(member.payloads).containsExactlyInAnyOrderElementsOf(payloads(20));
        assertThat(countersAt("a").resent()).isPositive();
    }
}
