package io.vanrouter.transport.adaptor.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.vanrouter.core.address.AddressRules;
import io.vanrouter.transport.LogCapture;
import io.vanrouter.transport.adaptor.mqtt.PahoClients.Received;
import io.vanrouter.transport.link.ActiveLink;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Routers whose MQTT limit (1 MiB) exceeds their inter-router frame limit (64 KiB), settings check-config refuses:
 * a PUBLISH whose MESSAGE frame would not fit in a frame is refused to its publisher (MQTT 5: DISCONNECT 0x95, 3.1.1:
 * the connection closed), while the link between the routers stays up and other MQTT traffic over it is unaffected.
 */
@Timeout(90)
class MqttFrameLimitTest {
    private static final int FRAME_BYTES = 64 << 10;
    private static final int MESSAGE_BYTES = 1 << 20;
    private static final int BIG_PAYLOAD_BYTES = 100_000;
    private static final int STEADY_MESSAGES = 200;
    private static final byte[] CONNECT_V5 = {0x10, 14, 0, 4, 'M', 'Q', 'T', 'T', 5, 2, 0, 60, 0, 0, 1, 'y'};

    private final MqttTestNetwork network = new MqttTestNetwork(AddressRules.none(), FRAME_BYTES, MESSAGE_BYTES);
    private final PahoClients paho = new PahoClients();
    private final LogCapture mqttLog = new LogCapture("vanrouter.adaptor.mqtt");
    private final LogCapture linkLog = new LogCapture("vanrouter.link");
    private Received steady;
    private Received big;
    private ActiveLink link;

    @BeforeEach
    void setUp() throws Exception {
        network.start("a");
        network.start("b", "a");
        network.awaitFullMesh();
        steady = paho.subscribe(network.node("b").uri(), "steady-sub", "steady/#", 1);
        big = paho.subscribe(network.node("b").uri(), "big-sub", "big/#", 1);
        network.awaitSubscribers("a", "steady/x", Set.of("b"));
        network.awaitSubscribers("a", "big/x", Set.of("b"));
        link = network.node("a").server().activeLink("b");
    }

    @AfterEach
    void tearDown() {
        paho.close();
        network.close();
        mqttLog.close();
        linkLog.close();
    }

    @Test
    void shouldCloseAnMqtt311PublisherWhoseMessageDoesNotFitAFrameAndKeepTheLink() throws Exception {
        MqttClient steadyPublisher = paho.connect(network.node("a").uri(), "steady-pub", null);
        MqttClient bigPublisher = paho.connect(network.node("a").uri(), "big-pub-311", null);
        Thread steadyTraffic = publishSteadily(steadyPublisher);

        assertThatThrownBy(() -> bigPublisher.publish("big/x", new byte[BIG_PAYLOAD_BYTES], 1, false))
                .isInstanceOf(MqttException.class);
        steadyTraffic.join(60_000);

        assertRefusedAndLinkUnharmed("big-pub-311");
    }

    @Test
    void shouldDisconnectAnMqtt5PublisherWithPacketTooLargeAndKeepTheLink() throws Exception {
        MqttClient steadyPublisher = paho.connect(network.node("a").uri(), "steady-pub", null);
        Thread steadyTraffic = publishSteadily(steadyPublisher);
        byte[] received;
        try (Socket socket = new Socket("127.0.0.1", network.node("a").mqtt().boundAddress().getPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(CONNECT_V5);
            socket.getOutputStream().write(publishV5("big/x", 7, new byte[BIG_PAYLOAD_BYTES]));
            received = readUntilClosed(socket.getInputStream());
        }
        steadyTraffic.join(60_000);

        assertThat(received).startsWith(0x20); // CONNACK
        int disconnect = 2 + received[1];
        assertThat(received[disconnect]).as("DISCONNECT after CONNACK, no PUBACK").isEqualTo((byte) 0xE0);
        assertThat(received[disconnect + 2]).as("reason: packet too large").isEqualTo((byte) 0x95);
        assertRefusedAndLinkUnharmed("y");
    }

    private Thread publishSteadily(MqttClient publisher) {
        Thread thread = new Thread(() -> {
            try {
                for (int i = 0; i < STEADY_MESSAGES; i++) {
                    publisher.publish("steady/x", PahoClients.payload("p", i), 1, false);
                }
            } catch (MqttException e) {
                throw new IllegalStateException(e);
            }
        }, "steady-publisher");
        thread.start();
        return thread;
    }

    private void assertRefusedAndLinkUnharmed(String clientId) {
        List<String> expected = IntStream.range(0, STEADY_MESSAGES).mapToObj(i -> "p:" + i).toList();
        await().atMost(Duration.ofSeconds(30)).until(() -> steady.count() >= STEADY_MESSAGES);
        assertThat(steady.payloads).as("every steady message once, in order").containsExactlyElementsOf(expected);
        assertThat(big.count()).as("the refused message went nowhere").isZero();
        assertThat(network.node("a").server().activeLink("b")).as("the same link, never closed").isSameAs(link);
        assertThat(link.channel().isActive()).isTrue();
        assertThat(network.node("a").mqtt().counters().tooLargeForLinks()).isEqualTo(1);
        assertThat(network.node("a").server().encodeFailures().dropped()).as("refused before any encoder").isZero();
        assertThat(mqttLog.messages(Level.WARN)).filteredOn(line -> line.contains("routing.maxFrameBytes"))
                .singleElement().asString().contains("[a]", "client " + clientId, "payload of " + BIG_PAYLOAD_BYTES,
                        "exceeds routing.maxFrameBytes (" + FRAME_BYTES + ")", "PACKET_TOO_LARGE 0x95");
        assertThat(linkLog.messages(Level.ERROR)).isEmpty();
    }

    /** An MQTT 5 PUBLISH at QoS 1 with no properties. */
    private static byte[] publishV5(String topic, int packetId, byte[] payload) {
        byte[] name = topic.getBytes(StandardCharsets.UTF_8);
        int remaining = 2 + name.length + 2 + 1 + payload.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x32);
        for (int left = remaining; ; ) { // variable byte integer
            int digit = left % 128;
            left /= 128;
            out.write(left > 0 ? digit | 0x80 : digit);
            if (left == 0) {
                break;
            }
        }
        out.write(name.length >> 8);
        out.write(name.length & 0xFF);
        out.writeBytes(name);
        out.write(packetId >> 8);
        out.write(packetId & 0xFF);
        out.write(0); // properties length
        out.writeBytes(payload);
        return out.toByteArray();
    }

    private static byte[] readUntilClosed(InputStream in) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[256];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }
}
