package io.vanrouter.transport.adaptor.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.vanrouter.transport.LogCapture;
import io.vanrouter.transport.tls.ServerTls;
import io.vanrouter.transport.tls.TestPki;
import io.vanrouter.transport.tls.TlsFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The MQTT listener over TLS with client certificates required, with real Paho clients. */
@Timeout(60)
class MqttTlsTest {
    @TempDir
    Path dir;
    private final MqttTestNetwork network = new MqttTestNetwork();
    private final List<MqttClient> clients = new CopyOnWriteArrayList<>();
    private final LogCapture log = new LogCapture("vanrouter.adaptor.mqtt");
    private TestPki pki;
    private int port;

    @BeforeEach
    void router() throws Exception {
        pki = new TestPki(dir, "clients");
        TlsFiles server = pki.issue("a");
        network.start("a", ServerTls.load(server.cert(), server.key(), pki.caFile()));
        port = network.node("a").mqtt().boundAddress().getPort();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (MqttClient client : clients) {
            if (client.isConnected()) {
                client.disconnectForcibly(1_000);
            }
            client.close();
        }
        network.close();
        log.close();
    }

    private MqttClient connect(String scheme, String clientId, SSLContext ssl) throws MqttException {
        MqttClient client = new MqttClient(scheme + "://127.0.0.1:" + port, clientId, new MemoryPersistence());
        clients.add(client);
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setConnectionTimeout(10);
        // Paho's synchronous publish returns on PUBACK before its callback thread lowers the in-flight count, so a
        // publishing loop can outrun it and fail with "Too many publishes in progress" at the default of 10.
        options.setMaxInflight(1_000);
        options.setHttpsHostnameVerificationEnabled(false); // the test certificates name routers, not hosts
        if (ssl != null) {
            options.setSocketFactory(ssl.getSocketFactory());
        }
        client.connect(options);
        return client;
    }

    /** A client's TLS context: trusts the test CA, and presents {@code credentials} when not null. */
    private SSLContext clientSsl(TlsFiles credentials) throws Exception {
        return clientSsl(pki.caFile(), credentials);
    }

    /** A client's TLS context: trusts {@code caFile}, and presents {@code credentials} when not null. */
    static SSLContext clientSsl(Path caFile, TlsFiles credentials) throws Exception {
        CertificateFactory x509 = CertificateFactory.getInstance("X.509");
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (var in = Files.newInputStream(caFile)) {
            trust.setCertificateEntry("ca", x509.generateCertificate(in));
        }
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        KeyManagerFactory keyManagers = null;
        if (credentials != null) {
            String pem = Files.readString(credentials.key(), StandardCharsets.US_ASCII)
                    .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(
                    new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
            Certificate certificate;
            try (var in = Files.newInputStream(credentials.cert())) {
                certificate = x509.generateCertificate(in);
            }
            KeyStore keys = KeyStore.getInstance(KeyStore.getDefaultType());
            keys.load(null, null);
            keys.setKeyEntry("client", key, new char[0], new Certificate[] {certificate});
            keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, new char[0]);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers == null ? null : keyManagers.getKeyManagers(), trustManagers.getTrustManagers(),
                null);
        return context;
    }

    @Test
    void shouldCarryMessagesBetweenClientsWithCertificates() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        MqttClient subscriber = connect("ssl", "sub", clientSsl(pki.issue("sensor-1")));
        subscriber.subscribe("t/#", 1, (topic, message) -> received.add(new String(message.getPayload(),
                StandardCharsets.UTF_8)));
        MqttClient publisher = connect("ssl", "pub", clientSsl(pki.issue("sensor-2")));
        for (int i = 0; i < 20; i++) {
            publisher.publish("t/x", ("m" + i).getBytes(StandardCharsets.UTF_8), 1, false);
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> received.size() == 20);
        assertThat(received).first().isEqualTo("m0");
        assertThat(log.messages(Level.WARN)).isEmpty();
    }

    @Test
    void shouldRefuseAClientWithoutACertificateAndAPlainClientWithTheCauseLogged() throws Exception {
        assertThatThrownBy(() -> connect("ssl", "anonymous", clientSsl(null))).isInstanceOf(MqttException.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> log.messages(Level.WARN).stream()
                .anyMatch(m -> m.startsWith("[a] MQTT client /127.0.0.1:") && m.contains("TLS handshake failed")));

        assertThatThrownBy(() -> connect("tcp", "plain", null)).isInstanceOf(MqttException.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> log.messages(Level.WARN).stream()
                .anyMatch(m -> m.contains("TLS handshake failed: the client does not speak TLS")));
        assertThat(network.node("a").mqtt().connectedClients()).isZero();
    }
}
