package io.vanrouter.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4 acceptance with real router processes and Paho clients. Square with a diagonal (all costs 1):
 * <pre>
 *   a --- b
 *   | \   |
 *   d --- c
 * </pre>
 */
@ExtendWith(DumpOnFailure.class)
@Timeout(180)
@Tag("slow")
class MqttNetworkIT {
    private static final Duration CONVERGE = Duration.ofSeconds(30);
    private static final Duration DELIVERY = Duration.ofSeconds(90);
    /** QoS 0 messages the multicast publisher may be ahead of its slowest subscriber. */
    private static final int AHEAD = 3_000;

    @TempDir
    Path dir;
    private TestNetwork network;
    private final List<MqttClient> clients = new ArrayList<>();

    @BeforeEach
    void setUp() {
        network = new TestNetwork(dir);
        network.enableMqtt();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (MqttClient client : clients) {
            try {
                client.disconnectForcibly(0, 1_000);
                client.close(true);
            } catch (MqttException e) {
                // the router may be gone
            }
        }
        network.close();
    }

    /** Records payloads in arrival order; probes (sent until routes and subscriptions settle) are counted apart. */
    private static final class Recorder implements MqttCallback {
        final List<String> payloads = new CopyOnWriteArrayList<>();
        volatile int probes;

        @Override
        public void connectionLost(Throwable cause) {
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            String text = new String(message.getPayload(), StandardCharsets.UTF_8);
            if (text.startsWith("probe")) {
                probes++;
            } else {
                payloads.add(text);
            }
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
        }
    }

    private Recorder subscribe(String router, String clientId, String filter, int qos) throws MqttException {
        Recorder recorder = new Recorder();
        MqttClient client = new MqttClient(network.mqttUri(router), clientId, new MemoryPersistence());
        client.setCallback(recorder);
        await().atMost(CONVERGE).ignoreExceptions().until(() -> {
            client.connect(options());
            return true;
        });
        client.subscribe(filter, qos);
        clients.add(client);
        return recorder;
    }

    private static MqttConnectOptions options() {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setMaxInflight(100);
        return options;
    }

    private void startSquare() throws Exception {
        RouterProcess a = network.start("a");
        network.start("b", "a");
        network.start("c", "b", "a");
        RouterProcess d = network.start("d", "c", "a");
        await().atMost(CONVERGE).until(() -> a.routeTo("c").equals("c/1") && d.routeTo("b").endsWith("/2"));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldMulticastTenThousandMessagesExactlyOnceInOrderToSubscribersOnEveryRouter() throws Exception {
        startSquare();
        List<Recorder> subscribers = new ArrayList<>();
        for (String id : List.of("a", "b", "c", "d")) {
            subscribers.add(subscribe(id, "sub-" + id, id.equals("c") ? "it/+" : "it/#", 0));
        }
        MqttClient publisher = new MqttClient(network.mqttUri("b"), "pub-b", new MemoryPersistence());
        publisher.connect(options());
        clients.add(publisher);
        await().atMost(CONVERGE).pollInterval(Duration.ofMillis(200)).until(() -> {
            publisher.publish("it/x", bytes("probe"), 0, false);
            return subscribers.stream().allMatch(s -> s.probes > 0);
        });

        int messages = 10_000;
        long start = System.nanoTime();
        for (int i = 0; i < messages; i++) {
            publisher.publish("it/x", bytes("b:" + i), 0, false);
            if (i % 1_000 == 999) {
                // QoS 0 has no flow control: keep the publisher within AHEAD messages of the slowest subscriber,
                // so that a starved machine does not queue seconds of data in front of the routers' hellos
                int sent = i + 1;
                await().atMost(DELIVERY).until(() -> subscribers.stream()
                        .allMatch(s -> s.payloads.size() >= sent - AHEAD));
            }
        }
        await().atMost(DELIVERY).until(() -> subscribers.stream().allMatch(s -> s.payloads.size() >= messages));
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("MqttNetworkIT: %d QoS 0 messages to 4 routers' subscribers in %d ms%n", messages, millis);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < messages; i++) {
            expected.add("b:" + i);
        }
        for (Recorder subscriber : subscribers) {
            assertThat(subscriber.payloads).as("exactly once, in order").containsExactlyElementsOf(expected);
        }
        network.assertNoUnexpectedErrors(null);
    }

    /**
     * Paho frees an in-flight slot on its own thread after the token completes, so a full window can still be refused
     * with "too many publishes in progress": then wait for the oldest token and try again.
     */
    private static IMqttDeliveryToken publishWhenPahoHasRoom(MqttAsyncClient publisher,
            List<IMqttDeliveryToken> window, String payload) throws Exception {
        for (int attempt = 0; ; attempt++) {
            try {
                return publisher.publish("orders/1", bytes(payload), 1, false);
            } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
                if (e.getReasonCode() != org.eclipse.paho.client.mqttv3.MqttException.REASON_CODE_MAX_INFLIGHT
                        || attempt >= 100 || window.isEmpty()) {
                    throw e;
                }
                window.remove(0).waitForCompletion(60_000);
            }
        }
    }

    /**
     * Acceptance 3 with processes: SIGKILL a subscriber's router (no goodbye; the kernel closes its sockets) and every
     * other router stops listing it as a consumer of the filter within 1 s.
     */
    @Test
    void shouldWithdrawKilledRoutersInterestEverywhereWithinOneSecond() throws Exception {
        startSquare();
        subscribe("d", "sub-d", "sensors/+/temp", 0);
        List<String> others = List.of("a", "b", "c");
        String row = "filter sensors/+/temp"; // how status names the filter
        await().atMost(CONVERGE).pollInterval(Duration.ofMillis(100))
                .until(() -> others.stream().allMatch(id -> consumersOf(id, row).contains("d")));

        network.router("d").kill();
        long killedAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> others.stream().noneMatch(id -> consumersOf(id, row).contains("d")));
        long millis = (System.nanoTime() - killedAt) / 1_000_000;
        System.out.printf("MqttNetworkIT: interest of killed router d withdrawn at a, b, c after %d ms%n", millis);
        assertThat(millis).as("ms from d's death until no router lists it").isLessThan(1_000);
    }

    /** Routers that {@code router}'s status lists with consumers of {@code address} (as status names it). */
    private Set<String> consumersOf(String router, String address) {
        Set<String> routers = new HashSet<>();
        network.router(router).status().ifPresent(status -> status.path("addresses").forEach(entry -> {
            if (entry.path("address").asText().equals(address)) {
                entry.path("routers").forEach(id -> routers.add(id.asText()));
            }
        }));
        return routers;
    }

    @Test
    void shouldDeliverEveryQos1MessageToSharedGroupWhenMemberRouterIsKilled() throws Exception {
        startSquare();
        Recorder onB = subscribe("b", "member-b", "$share/workers/orders/#", 1);
        Recorder onC = subscribe("c", "member-c", "$share/workers/orders/#", 1);
        MqttAsyncClient publisher = new MqttAsyncClient(network.mqttUri("a"), "pub-a", new MemoryPersistence());
        publisher.connect(options()).waitForCompletion(10_000);
        await().atMost(CONVERGE).pollInterval(Duration.ofMillis(200)).until(() -> {
            publisher.publish("orders/1", bytes("probe"), 1, false).waitForCompletion(10_000);
            return onB.probes > 0 && onC.probes > 0;
        });

        int messages = 3_000;
        List<IMqttDeliveryToken> window = new ArrayList<>();
        boolean killed = false;
        for (int i = 0; i < messages; i++) {
            if (window.size() >= 50) {
                window.remove(0).waitForCompletion(60_000);
            }
            window.add(publishWhenPahoHasRoom(publisher, window, "a:" + i));
            if (!killed && onB.payloads.size() + onC.payloads.size() >= 1_000) {
                killed = true;
                network.router("c").kill();
            }
        }
        for (IMqttDeliveryToken token : window) {
            token.waitForCompletion(60_000);
        }
        assertThat(killed).isTrue();
        Set<String> received = new HashSet<>(onB.payloads);
        received.addAll(onC.payloads);
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < messages; i++) {
            if (!received.contains("a:" + i)) {
                missing.add("a:" + i);
            }
        }
        System.out.printf("MqttNetworkIT: QoS 1 shared: b %d, c %d (before kill), duplicates %d%n",
                onB.payloads.size(), onC.payloads.size(), onB.payloads.size() + onC.payloads.size() - received.size());
        assertThat(missing).as("every PUBACKed message reached a member at least once").isEmpty();
        publisher.disconnect().waitForCompletion(5_000);
        publisher.close();
    }
}
