package io.vanrouter.transport.adaptor.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.vanrouter.transport.LogCapture;
import io.vanrouter.transport.adaptor.mqtt.PahoClients.Received;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Bad MQTT input disconnects that client with the right reason and a log line; other clients carry on. */
@Timeout(60)
class MqttBadInputTest {
    private static final byte[] CONNECT_V311 = {0x10, 13, 0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 60, 0, 1, 'x'};
    private static final byte[] CONNECT_V5 = {0x10, 14, 0, 4, 'M', 'Q', 'T', 'T', 5, 2, 0, 60, 0, 0, 1, 'y'};
    private static final byte[] CONNECT_BAD_NAME = {0x10, 13, 0, 4, 'M', 'Q', 'T', 'X', 4, 2, 0, 60, 0, 1, 'z'};

    private final MqttTestNetwork network = new MqttTestNetwork();
    private final PahoClients paho = new PahoClients();
    private final LogCapture log = new LogCapture("vanrouter.adaptor.mqtt");
    private Received bystander;
    private MqttClient bystanderPublisher;

    @BeforeEach
    void setUp() throws Exception {
        network.start("a");
        bystander = paho.subscribe(network.node("a").uri(), "bystander", "ok/#", 0);
        bystanderPublisher = paho.connect(network.node("a").uri(), "bystander-pub", null);
    }

    @AfterEach
    void tearDown() {
        paho.close();
        network.close();
        log.close();
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

    private void assertBystanderUnaffected() throws Exception {
        bystanderPublisher.publish("ok/1", PahoClients.payload("p", 1), 0, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> bystander.count() == 1);
    }

    @Test
    void shouldDisconnectClientSendingMalformedPacket() throws Exception {
        try (Socket socket = raw()) {
            socket.getOutputStream().write(CONNECT_V311);
            socket.getOutputStream().write(new byte[] {0x00, 0x00}); // packet type 0 is reserved
            byte[] received = readUntilClosed(socket);
            assertThat(received).startsWith(0x20, 2, 0, 0); // CONNACK accepted, then closed
        }
        assertThat(log.messages(Level.WARN)).anyMatch(line -> line.contains("client x") && line.contains("MALFORMED"));
        assertBystanderUnaffected();
    }

    @Test
    void shouldRefuseWrongProtocolName() throws Exception {
        try (Socket socket = raw()) {
            socket.getOutputStream().write(CONNECT_BAD_NAME);
            assertThat(readUntilClosed(socket)).containsExactly(0x20, 2, 0, 1); // unacceptable protocol version
        }
        assertThat(log.messages(Level.WARN)).anyMatch(line -> line.contains("refused"));
        assertBystanderUnaffected();
    }

    @Test
    void shouldDisconnectMqtt5ClientWithPacketTooLarge() throws Exception {
        try (Socket socket = raw()) {
            socket.getOutputStream().write(CONNECT_V5);
            // PUBLISH announcing 1 MiB (remaining length 0x80 0x80 0x40), above the 256 KiB limit
            socket.getOutputStream().write(new byte[] {0x30, (byte) 0x80, (byte) 0x80, 0x40, 0, 1, 't'});
            byte[] received = readUntilClosed(socket);
            int disconnect = indexOf(received, (byte) 0xE0);
            assertThat(disconnect).as("DISCONNECT after CONNACK").isPositive();
            assertThat(received[disconnect + 2]).as("reason code").isEqualTo((byte) 0x95);
        }
        assertThat(log.messages(Level.WARN)).anyMatch(line -> line.contains("PACKET_TOO_LARGE"));
        assertBystanderUnaffected();
    }

    @Test
    void shouldAdvertiseWhatThisRouterIsInMqtt5Connack() throws Exception {
        var client = new org.eclipse.paho.mqttv5.client.MqttClient(network.node("a").uri(), "v5",
                new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setSessionExpiryInterval(3_600L);
        var token = client.connectWithResult(options);
        MqttProperties props = token.getResponseProperties();
        assertThat(props.isRetainAvailable()).isFalse();
        assertThat(props.isSharedSubscriptionAvailable()).isTrue();
        assertThat(props.isWildcardSubscriptionsAvailable()).isTrue();
        assertThat(props.getMaximumQoS()).isEqualTo(1);
        assertThat(props.getSessionExpiryInterval()).isZero();
        assertThat(token.getSessionPresent()).isFalse();
        client.disconnect();
        client.close();
    }

    private static int indexOf(byte[] bytes, byte value) {
        for (int i = 4; i < bytes.length; i++) {
            if (bytes[i] == value) {
                return i;
            }
        }
        return -1;
    }
}
