package io.vanrouter.transport.adaptor.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vanrouter.transport.adaptor.mqtt.PahoClients.Received;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Will, keep-alive and client-id takeover, through the routers a - b with real clients. */
@Timeout(60)
class MqttClientLifecycleTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** CONNECT, MQTT 3.1.1, clean session, keep-alive 1 s, client id "k". */
    private static final byte[] CONNECT_V311_KEEPALIVE_1S = {0x10, 13, 0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 1, 0, 1,
        'k'};
    /** CONNECT, MQTT 5, clean start, keep-alive 1 s, no properties, client id "k5". */
    private static final byte[] CONNECT_V5_KEEPALIVE_1S = {0x10, 15, 0, 4, 'M', 'Q', 'T', 'T', 5, 2, 0, 1, 0, 0, 2,
        'k', '5'};

    private final MqttTestNetwork network = new MqttTestNetwork();
    private final PahoClients paho = new PahoClients();

    @BeforeEach
    void setUp() throws Exception {
        network.start("a");
        network.start("b", "a");
        network.awaitFullMesh();
    }

    @AfterEach
    void tearDown() {
        paho.close();
        network.close();
    }

    private MqttClient connectWithWill(String clientId) throws Exception {
        MqttClient client = new MqttClient(network.node("b").uri(), clientId, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setWill("status/" + clientId, ("gone:" + clientId).getBytes(StandardCharsets.UTF_8), 1, false);
        client.connect(options);
        return client;
    }

    @Test
    void shouldPublishWillNetworkWideWhenClientDropsWithoutDisconnect() throws Exception {
        Received watcher = paho.subscribe(network.node("a").uri(), "watcher", "status/#", 1);
        network.awaitSubscribers("b", "status/w1", Set.of("a"));
        MqttClient client = connectWithWill("w1");

        client.disconnectForcibly(0, 1_000, false); // the socket closes, no DISCONNECT packet
        client.close();

        await().atMost(WAIT).until(() -> watcher.count() == 1);
        assertThat(watcher.payloads).containsExactly("gone:w1");
        assertThat(network.node("b").mqtt().counters().willsSent()).isEqualTo(1);
    }

    @Test
    void shouldNotPublishWillAfterCleanDisconnect() throws Exception {
        Received watcher = paho.subscribe(network.node("a").uri(), "watcher", "status/#", 1);
        network.awaitSubscribers("b", "status/w2", Set.of("a"));
        MqttClient client = connectWithWill("w2");
        int before = network.node("b").mqtt().connectedClients();

        client.disconnect();
        client.close();
        await().atMost(WAIT).until(() -> network.node("b").mqtt().connectedClients() == before - 1);
        MqttClient marker = paho.connect(network.node("b").uri(), "marker", null);
        marker.publish("status/marker", "marker".getBytes(StandardCharsets.UTF_8), 1, false);

        await().atMost(WAIT).until(() -> watcher.count() >= 1);
        assertThat(watcher.payloads).containsExactly("marker");
        assertThat(network.node("b").mqtt().counters().willsSent()).isZero();
    }

    @Test
    void shouldCloseMqtt311ClientSilentForOneAndAHalfKeepAlives() throws Exception {
        try (Socket socket = raw()) {
            long start = System.nanoTime();
            socket.getOutputStream().write(CONNECT_V311_KEEPALIVE_1S);
            byte[] received = readUntilClosed(socket);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(received).containsExactly(0x20, 2, 0, 0); // CONNACK accepted, then nothing until closed
            assertThat(millis).as("closed after 1.5 x keep-alive").isBetween(1_400L, 3_000L);
        }
        assertThat(network.node("a").mqtt().counters().keepAliveTimeouts()).isEqualTo(1);
    }

    @Test
    void shouldSendKeepAliveTimeoutToSilentMqtt5Client() throws Exception {
        try (Socket socket = raw()) {
            socket.getOutputStream().write(CONNECT_V5_KEEPALIVE_1S);
            byte[] received = readUntilClosed(socket);
            assertThat(received[0]).as("CONNACK").isEqualTo((byte) 0x20);
            int disconnect = 2 + received[1]; // after the CONNACK (its remaining length fits one byte)
            assertThat(received[disconnect]).as("DISCONNECT").isEqualTo((byte) 0xE0);
            assertThat(received[disconnect + 2]).as("reason code: keep alive timeout").isEqualTo((byte) 0x8D);
        }
    }

    @Test
    void shouldKeepClientThatPingsWithinItsKeepAlive() throws Exception {
        MqttClient client = new MqttClient(network.node("a").uri(), "pinger", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setKeepAliveInterval(1); // Paho pings every second
        client.connect(options);
        try {
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(client::isConnected);
            assertThat(network.node("a").mqtt().counters().keepAliveTimeouts()).isZero();
        } finally {
            client.disconnect();
            client.close();
        }
    }

    /** Records the server's DISCONNECT and the payloads of messages received. */
    private static final class DisconnectRecorder implements MqttCallback {
        final AtomicReference<MqttDisconnectResponse> disconnect = new AtomicReference<>();
        final List<String> received = new CopyOnWriteArrayList<>();

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            disconnect.set(response);
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            received.add(new String(message.getPayload(), StandardCharsets.UTF_8));
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
        }
    }

    private org.eclipse.paho.mqttv5.client.MqttClient connectV5(String router, String clientId,
            DisconnectRecorder recorder) throws Exception {
        var client = new org.eclipse.paho.mqttv5.client.MqttClient(network.node(router).uri(), clientId,
                new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        client.setCallback(recorder);
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setAutomaticReconnect(false);
        client.connect(options);
        return client;
    }

    @Test
    void shouldCloseOlderConnectionWithSessionTakenOverWhenClientIdConnectsAgain() throws Exception {
        DisconnectRecorder first = new DisconnectRecorder();
        var older = connectV5("a", "same-id", first);
        DisconnectRecorder second = new DisconnectRecorder();
        var newer = connectV5("a", "same-id", second);

        await().atMost(WAIT).until(() -> first.disconnect.get() != null);
        assertThat(first.disconnect.get().getReturnCode()).as("0x8E session taken over").isEqualTo(0x8E);
        assertThat(older.isConnected()).isFalse();
        assertThat(newer.isConnected()).isTrue();
        assertThat(second.disconnect.get()).isNull();
        await().atMost(WAIT).until(() -> network.node("a").mqtt().connectedClients() == 1);

        // The newer connection works: its subscription is granted and a message published to it arrives.
        IMqttToken subscribed = newer.subscribe(new MqttSubscription[] {new MqttSubscription("taken/#", 1)});
        assertThat(subscribed.getReasonCodes()).as("SUBACK reason codes").containsExactly(1);
        newer.publish("taken/1", new MqttMessage("still here".getBytes(StandardCharsets.UTF_8), 1, false, null));
        await().atMost(WAIT).until(() -> second.received.size() == 1);
        assertThat(second.received).containsExactly("still here");
        assertThat(first.received).isEmpty();
        newer.disconnect();
        newer.close();
        older.close();
    }

    @Test
    void shouldCloseOlderMqtt311ConnectionWhenClientIdConnectsAgain() throws Exception {
        Received firstLog = new Received();
        MqttClient older = paho.connect(network.node("a").uri(), "same-v3", firstLog);
        Received secondLog = paho.subscribe(network.node("a").uri(), "same-v3", "t/#", 0);

        await().atMost(WAIT).until(() -> firstLog.lost);
        assertThat(older.isConnected()).isFalse();
        assertThat(secondLog.lost).isFalse();
        MqttClient publisher = paho.connect(network.node("a").uri(), "pub", null);
        publisher.publish("t/1", PahoClients.payload("p", 1), 0, false);
        await().atMost(WAIT).until(() -> secondLog.count() == 1);
    }

    private Socket raw() throws Exception {
        Socket socket = new Socket("127.0.0.1", network.node("a").mqtt().boundAddress().getPort());
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** Everything the router sends until it closes the connection. */
    private static byte[] readUntilClosed(Socket socket) throws Exception {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[256];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }
}
