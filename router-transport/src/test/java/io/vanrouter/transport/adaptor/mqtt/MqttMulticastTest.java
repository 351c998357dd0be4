package io.vanrouter.transport.adaptor.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vanrouter.transport.adaptor.mqtt.PahoClients.Received;
import io.vanrouter.transport.message.MessageCounters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * QoS 0 multicast through real routers in one JVM with Paho clients. Topology (all costs 1):
 * <pre>
 *   a --- b
 *   | \   |
 *   d --- c
 * </pre>
 */
@Timeout(90)
class MqttMulticastTest {
    private static final int MESSAGES = 2_000;
    private static final Duration DELIVERY = Duration.ofSeconds(30);

    private final MqttTestNetwork network = new MqttTestNetwork();
    private final PahoClients paho = new PahoClients();

    @AfterEach
    void tearDown() {
        paho.close();
        network.close();
    }

    @Test
    void shouldDeliverEveryMessageExactlyOnceInOrderToSubscribersOnEveryRouter() throws Exception {
        network.squareWithDiagonal();
        List<Received> subscribers = new ArrayList<>();
        Map<String, String> filters = Map.of("a", "t/#", "b", "t/+", "c", "+/x", "d", "#");
        for (String id : List.of("a", "b", "c", "d")) {
            subscribers.add(paho.subscribe(network.node(id).uri(), "sub-" + id, filters.get(id), 0));
        }
        network.awaitSubscribers("b", "t/x", Set.of("a", "c", "d"));
        MqttClient publisher = paho.connect(network.node("b").uri(), "pub-b", null);
        for (int i = 0; i < MESSAGES; i++) {
            publisher.publish("t/x", PahoClients.payload("b", i), 0, false);
        }

        // A dropped copy never arrives and an extra one never leaves: either ends the wait at once, naming the cause.
        await().atMost(DELIVERY).failFast("a copy was dropped or delivered twice", () -> drops() > 0
                || subscribers.stream().anyMatch(r -> r.count() > MESSAGES)).conditionEvaluationListener(c -> {
            if (c.getRemainingTimeInMS() < 1_000) {
                System.out.println("DIAG counts " + subscribers.stream().map(Received::count).toList() + " "
                        + List.of("a", "b", "c", "d").stream().map(id -> id + "=" + network.node(id).server()
                        .messageRouter().counters().topics() + network.node(id).mqtt().counters().queueDrops())
                        .toList());
            }
        }).until(() -> subscribers.stream().allMatch(r -> r.count() >= MESSAGES));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < MESSAGES; i++) {
            expected.add("b:" + i);
        }
        for (Received received : subscribers) {
            assertThat(received.payloads).as("exactly once, in publish order").containsExactlyElementsOf(expected);
        }
        for (String id : List.of("a", "b", "c", "d")) {
            MessageCounters counters = network.node(id).server().messageRouter().counters();
            assertThat(counters.totalDrops()).as("drops at " + id).isZero();
        }
        // d hangs off both a and c; it must get exactly one copy per message: b's tree reaches it via a or c only.
        long copiesIntoD = network.node("d").server().messageRouter().counters().topics().stream()
                .filter(t -> t.topic().equals("t/x")).mapToLong(MessageCounters.TopicCounts::in).sum();
        assertThat(copiesIntoD).isEqualTo(MESSAGES);
    }

    /** Copies dropped anywhere: by the message routers (any reason) and by subscriber queues. */
    private long drops() {
        return List.of("a", "b", "c", "d").stream().mapToLong(id -> network.node(id).server().messageRouter()
                .counters().totalDrops() + network.node(id).mqtt().counters().queueDrops()).sum();
    }

    @Test
    void shouldMatchPlusAndHashFiltersAcrossRouters() throws Exception {
        network.squareWithDiagonal();
        Received score = paho.subscribe(network.node("c").uri(), "score", "sport/+/score", 0);
        Received all = paho.subscribe(network.node("d").uri(), "all", "sport/#", 0);
        Received sys = paho.subscribe(network.node("b").uri(), "hash", "#", 0);
        network.awaitSubscribers("a", "sport/tennis/score", Set.of("b", "c", "d"));
        MqttClient publisher = paho.connect(network.node("a").uri(), "pub-a", null);
        publisher.publish("sport/tennis/score", PahoClients.payload("a", 1), 0, false);
        publisher.publish("sport", PahoClients.payload("a", 2), 0, false);
        publisher.publish("sport/golf/hole/3", PahoClients.payload("a", 3), 0, false);
        publisher.publish("$SYS/x", PahoClients.payload("a", 4), 0, false);

        await().atMost(DELIVERY).until(() -> all.count() == 3 && score.count() == 1 && sys.count() == 3);
        assertThat(score.payloads).containsExactly("a:1");
        assertThat(all.payloads).containsExactly("a:1", "a:2", "a:3");
        assertThat(sys.payloads).as("# does not match $SYS").containsExactly("a:1", "a:2", "a:3");
    }

    @Test
    void shouldStopSendingTowardRouterWhoseLastSubscriberLeft() throws Exception {
        network.squareWithDiagonal();
        Received onB = paho.subscribe(network.node("b").uri(), "sub-b", "news/#", 0);
        MqttClient onD = paho.connect(network.node("d").uri(), "sub-d", new Received());
        onD.subscribe("news/+", 0);
        network.awaitSubscribers("a", "news/1", Set.of("b", "d"));

        onD.disconnect();
        network.awaitSubscribers("a", "news/1", Set.of("b"));
        MqttClient publisher = paho.connect(network.node("a").uri(), "pub-a", null);
        for (int i = 0; i < 100; i++) {
            publisher.publish("news/1", PahoClients.payload("a", i), 0, false);
        }
        await().atMost(DELIVERY).until(() -> onB.count() == 100);
        assertThat(network.node("d").server().messageRouter().counters().topics())
                .as("no copy crossed a link toward d").noneMatch(t -> t.topic().equals("news/1"));
    }
}
