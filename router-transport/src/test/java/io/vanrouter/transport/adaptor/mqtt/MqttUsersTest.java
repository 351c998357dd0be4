package io.vanrouter.transport.adaptor.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.vanrouter.transport.LogCapture;
import io.vanrouter.transport.adaptor.mqtt.auth.MqttUser;
import io.vanrouter.transport.adaptor.mqtt.auth.MqttUsers;
import io.vanrouter.transport.adaptor.mqtt.auth.PasswordHash;
import io.vanrouter.transport.adaptor.mqtt.auth.TopicPatterns;
import io.vanrouter.transport.tls.ServerTls;
import io.vanrouter.transport.tls.TestPki;
import io.vanrouter.transport.tls.TlsFiles;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A listener with a users file: passwords checked, each user held to its topics, the file re-read when it changes;
 * with real Paho 3.1.1 and 5 clients.
 */
@Timeout(60)
class MqttUsersTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    @TempDir
    Path dir;
    private final MqttTestNetwork network = new MqttTestNetwork();
    private final List<AutoCloseable> clients = new CopyOnWriteArrayList<>();
    private final LogCapture log = new LogCapture("vanrouter.adaptor.mqtt");
    private final Map<String, String> hashes = new HashMap<>();
    private Path usersFile;
    private String uri;

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable client : clients) {
            try {
                client.close();
            } catch (Exception e) {
                // already gone
            }
        }
        network.close();
        log.close();
    }

    /**
     * One user per line: name, password, publish patterns, subscribe patterns ('-' for none). The same name and
     * password keep their hash across rewrites, as a real file edit would.
     */
    private void writeUsers(String... lines) throws IOException {
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
            String[] f = line.split(" ");
            text.append(f[0]).append(' ')
                    .append(hashes.computeIfAbsent(f[0] + " " + f[1], k -> PasswordHash.create(f[1].toCharArray(),
                            PasswordHash.ITERATIONS_MIN).format()))
                    .append(' ').append(f[2]).append(' ').append(f[3]).append('\n');
        }
        Path temp = Files.createTempFile(dir, "users", ".tmp");
        Files.writeString(temp, text);
        Files.move(temp, usersFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private MqttUsers readUsers() throws IOException {
        List<MqttUser> users = new ArrayList<>();
        for (String line : Files.readAllLines(usersFile)) {
            String[] f = line.split(" ");
            users.add(new MqttUser(f[0], PasswordHash.parse(f[1]), patterns(f[2]), patterns(f[3])));
        }
        return MqttUsers.of(users);
    }

    private static TopicPatterns patterns(String list) {
        return list.equals("-") ? TopicPatterns.NONE : TopicPatterns.of(Arrays.asList(list.split(",")));
    }

    private void start(ServerTls tls, String... users) throws Exception {
        usersFile = dir.resolve("users.txt");
        writeUsers(users);
        var node = network.startWith("a", mqtt -> mqtt.tls(tls).users(usersFile, this::readUsers));
        uri = (tls == null ? "tcp" : "ssl") + "://127.0.0.1:" + node.mqtt().boundAddress().getPort();
    }

    private MqttCounters counters() {
        return network.node("a").mqtt().counters();
    }

    private MqttClient connect3(String user, String password) throws Exception {
        MqttClient client = new MqttClient(uri, "c" + clients.size(), new MemoryPersistence());
        clients.add(client::close);
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1); // no second try as 3.1 after a refusal
        if (user != null) {
            options.setUserName(user);
            options.setPassword(password.toCharArray());
        }
        client.connect(options);
        clients.add(() -> {
            if (client.isConnected()) {
                client.disconnectForcibly(500);
            }
        });
        return client;
    }

    private MqttAsyncClient connect5(String user, String password, MqttCallback callback) throws Exception {
        MqttAsyncClient client = new MqttAsyncClient(uri, "c" + clients.size(),
                new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        clients.add(client::close);
        if (callback != null) {
            client.setCallback(callback);
        }
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setUserName(user);
        options.setPassword(password.getBytes(StandardCharsets.UTF_8));
        client.connect(options).waitForCompletion(10_000);
        clients.add(() -> {
            if (client.isConnected()) {
                client.disconnectForcibly(500);
            }
        });
        return client;
    }

    @Test
    void shouldAcceptTheRightPasswordAndRefuseEveryOtherCredential() throws Exception {
        start(null, "app pw-app # #");

        assertThat(connect3("app", "pw-app").isConnected()).isTrue();
        assertThat(connect5("app", "pw-app", null).isConnected()).isTrue();
        int badCredentials = org.eclipse.paho.client.mqttv3.MqttException.REASON_CODE_FAILED_AUTHENTICATION;
        assertThat(refusal3(() -> connect3("app", "wrong"))).isEqualTo(badCredentials);
        assertThat(refusal3(() -> connect3("nobody", "pw-app"))).isEqualTo(badCredentials);
        assertThat(refusal3(() -> connect3(null, null))).isEqualTo(badCredentials);
        assertThatThrownBy(() -> connect5("app", "wrong", null)).isInstanceOf(MqttException.class)
                .extracting(e -> ((MqttException) e).getReasonCode()).isEqualTo(0x86);

        assertThat(counters().authenticationFailures()).isEqualTo(4);
        assertThat(counters().connections()).isEqualTo(2);
        assertThat(log.messages(Level.WARN)).anyMatch(m -> m.contains("wrong password for user 'app'"))
                .anyMatch(m -> m.contains("unknown user 'nobody'"))
                .anyMatch(m -> m.contains("no user name and password"))
                .noneMatch(m -> m.contains("pw-app"));
    }

    @Test
    void shouldHoldAnMqtt5UserToItsTopicsWithReasonCodes() throws Exception {
        start(null, "sensor pw-s sensors/sensor/# cmd/sensor/#", "app pw-a cmd/# sensors/#");
        List<String> received = new CopyOnWriteArrayList<>();
        MqttAsyncClient app = connect5("app", "pw-a", new Received(received));
        app.subscribe("sensors/#", 1).waitForCompletion(10_000);
        MqttAsyncClient sensor = connect5("sensor", "pw-s", null);

        sensor.publish("sensors/sensor/t", new MqttMessage("21.5".getBytes(StandardCharsets.UTF_8), 1, false,
                null)).waitForCompletion(10_000);
        await().atMost(WAIT).until(() -> received.contains("sensors/sensor/t=21.5"));

        IMqttToken refused = sensor.publish("sensors/other/t", new MqttMessage(new byte[] {1}, 1, false, null));
        int reason = refusedReason(refused);
        assertThat(reason).isEqualTo(0x87);
        sensor.publish("cmd/x", new MqttMessage(new byte[] {2}, 0, false, null)).waitForCompletion(10_000);
        await().atMost(WAIT).until(() -> counters().publishesRefused() == 2);

        IMqttToken subscribe = sensor.subscribe("sensors/#", 1);
        subscribe.waitForCompletion(10_000);
        assertThat(subscribe.getReasonCodes()).containsExactly(0x87);
        IMqttToken allowed = sensor.subscribe("cmd/sensor/+", 1);
        allowed.waitForCompletion(10_000);
        assertThat(allowed.getReasonCodes()).containsExactly(1);
        assertThat(counters().subscriptionsRefused()).isEqualTo(1);

        sensor.publish("sensors/sensor/t", new MqttMessage("22".getBytes(StandardCharsets.UTF_8), 1, false, null))
                .waitForCompletion(10_000);
        await().atMost(WAIT).until(() -> received.contains("sensors/sensor/t=22"));
        assertThat(received).containsExactly("sensors/sensor/t=21.5", "sensors/sensor/t=22");
        assertThat(sensor.isConnected()).isTrue();
        assertThat(log.messages(Level.WARN)).anyMatch(m -> m.contains("user 'sensor' may not publish to "
                + "'sensors/other/t'")).anyMatch(m -> m.contains("may not subscribe to 'sensors/#'"));
    }

    /** Paho 5 either fails the token with the PUBACK's reason code or completes it carrying that code. */
    private static int refusedReason(IMqttToken token) {
        try {
            token.waitForCompletion(10_000);
            return token.getReasonCodes()[0];
        } catch (MqttException e) {
            return e.getReasonCode();
        }
    }

    @Test
    void shouldDisconnectAn311ClientPublishingOutsideItsTopics() throws Exception {
        start(null, "sensor pw-s sensors/# sensors/#");
        MqttClient sensor = connect3("sensor", "pw-s");
        var granted = sensor.subscribeWithResponse(new String[] {"cmd/#", "sensors/x"}, new int[] {1, 1});
        assertThat(granted.getGrantedQos()).containsExactly(0x80, 1);

        // Paho 3's blocking publish can wait forever for a QoS 0 token whose connection the router just closed:
        // send it without waiting for the token.
        sensor.getTopic("cmd/x").publish(new byte[] {1}, 0, false);

        await().atMost(WAIT).until(() -> !sensor.isConnected());
        assertThat(counters().publishesRefused()).isEqualTo(1);
        assertThat(log.messages(Level.WARN)).anyMatch(m -> m.contains("may not publish to 'cmd/x'")
                && m.contains("NOT_AUTHORIZED"));
    }

    @Test
    void shouldCutOffAUserRemovedFromTheFileAndApplyNarrowerRights() throws Exception {
        start(null, "app pw-a # #", "other pw-o a/# #");
        AtomicInteger disconnectReason = new AtomicInteger(-1);
        MqttAsyncClient app = connect5("app", "pw-a", new Received(new ArrayList<>()) {
            @Override
            public void disconnected(MqttDisconnectResponse response) {
                disconnectReason.set(response.getReturnCode());
            }
        });
        MqttAsyncClient other = connect5("other", "pw-o", null);
        other.subscribe("b/#", 1).waitForCompletion(10_000);

        writeUsers("other pw-o a/# a/#"); // app gone; other may no longer hold b/#

        await().atMost(WAIT).until(() -> !app.isConnected() && !other.isConnected());
        assertThat(disconnectReason.get()).isEqualTo(0x87);
        assertThatThrownBy(() -> connect5("app", "pw-a", null)).isInstanceOf(MqttException.class)
                .extracting(e -> ((MqttException) e).getReasonCode()).isEqualTo(0x86);
        assertThat(connect5("other", "pw-o", null).isConnected()).isTrue();
        assertThat(log.messages(Level.WARN)).anyMatch(m -> m.contains("user 'app' was removed from the users file"))
                .anyMatch(m -> m.contains("may no longer subscribe to 'b/#'"));
    }

    @Test
    void shouldKeepTheOldUsersWhenTheNewFileIsBroken() throws Exception {
        start(null, "app pw-a # #");
        Files.writeString(usersFile, "app not-a-hash # #\n");

        await().atMost(WAIT).until(() -> log.messages(Level.WARN).stream()
                .anyMatch(m -> m.contains("cannot be used, keeping the previous 1 user(s)")));
        assertThat(connect5("app", "pw-a", null).isConnected()).isTrue();
    }

    @Test
    void shouldAnswerPacketsSentRightAfterConnectOnceThePasswordPassed() throws Exception {
        start(null, "app pw-a # #");
        int port = network.node("a").mqtt().boundAddress().getPort();
        ByteArrayOutputStream packets = new ByteArrayOutputStream();
        packets.writeBytes(connect311("raw", "app", "pw-a"));
        packets.writeBytes(new byte[] {(byte) 0x82, 6, 0, 7, 0, 1, 't', 1}); // SUBSCRIBE id 7 't' QoS 1
        packets.writeBytes(new byte[] {(byte) 0xC0, 0}); // PINGREQ
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(packets.toByteArray()); // one write: all in the router's first read
            DataInputStream in = new DataInputStream(socket.getInputStream());
            assertThat(readPacket(in)).containsExactly(0x20, 2, 0, 0); // CONNACK accepted
            assertThat(readPacket(in)).containsExactly(0x90, 3, 0, 7, 1); // SUBACK granted QoS 1
            assertThat(readPacket(in)).containsExactly(0xD0, 0); // PINGRESP
        }
    }

    private static byte[] connect311(String clientId, String user, String password) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0, 4, 'M', 'Q', 'T', 'T', 4, (byte) 0xC2, 0, 60});
        for (String s : List.of(clientId, user, password)) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            body.write(b.length >> 8);
            body.write(b.length);
            body.writeBytes(b);
        }
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        packet.write(0x10);
        packet.write(body.size());
        packet.writeBytes(body.toByteArray());
        return packet.toByteArray();
    }

    private static int[] readPacket(InputStream in) throws IOException {
        int type = in.read();
        int length = in.read();
        int[] packet = new int[2 + length];
        packet[0] = type;
        packet[1] = length;
        for (int i = 0; i < length; i++) {
            packet[2 + i] = in.read();
        }
        return packet;
    }

    @Test
    void shouldCheckPasswordsOverTls() throws Exception {
        TestPki pki = new TestPki(dir, "mqtt");
        TlsFiles server = pki.issue("a");
        start(ServerTls.load(server.cert(), server.key(), null), "app pw-a # #");
        MqttClient client = new MqttClient(uri, "tls-client", new MemoryPersistence());
        clients.add(client::close);
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setHttpsHostnameVerificationEnabled(false); // the test certificate names a router, not a host
        options.setSocketFactory(MqttTlsTest.clientSsl(pki.caFile(), null).getSocketFactory());
        options.setUserName("app");
        options.setPassword("wrong".toCharArray());
        assertThatThrownBy(() -> client.connect(options)).isInstanceOf(
                org.eclipse.paho.client.mqttv3.MqttException.class);

        options.setPassword("pw-a".toCharArray());
        client.connect(options);
        assertThat(client.isConnected()).isTrue();
        client.disconnect();
    }

    /** The reason code of a refused Paho 3.1.1 connection. */
    private static int refusal3(Callable<?> connect) throws Exception {
        try {
            connect.call();
        } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
            return e.getReasonCode();
        }
        throw new AssertionError("connected");
    }

    /** Collects "topic=payload" of each message. */
    private static class Received implements MqttCallback {
        private final List<String> into;

        Received(List<String> into) {
            this.into = into;
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            into.add(topic + "=" + new String(message.getPayload(), StandardCharsets.UTF_8));
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
}
