package io.vanrouter.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AMQP adaptor with real router processes and python3-qpid-proton clients (Debian), in a triangle (all costs 1):
 * <pre>
 *     a
 *    / \
 *   b - c
 * </pre>
 * Senders attach at a and send unsettled messages one at a time, sending again whatever is not ACCEPTED; receivers
 * write each message to a file before they accept it, so "accepted but never received" is visible.
 *
 * <p>One network for the class, to keep its run short: each test uses addresses of its own, and the test that kills
 * router c runs last.
 */
@ExtendWith(DumpOnFailure.class)
@Timeout(180)
@Tag("slow")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AmqpAdaptorIT {
    private static final Duration CONVERGE = Duration.ofSeconds(30);
    private static final Duration DELIVERY = Duration.ofSeconds(90);
    private static final String RULES = """
            addresses:
              - prefix: mc/
                distribution: multicast
              - prefix: near/
                distribution: closest
            """;

    @TempDir
    static Path dir;
    private TestNetwork network;
    private final List<Process> clients = new CopyOnWriteArrayList<>();
    private final List<MqttClient> mqttClients = new ArrayList<>();
    private final java.util.Map<String, Integer> amqpPorts = new java.util.HashMap<>();

    @BeforeAll
    void startTriangle() throws Exception {
        network = new TestNetwork(dir);
        network.enableMqtt();
        RouterProcess a = network.startWith("a", amqpYaml("a"));
        network.startWith("b", amqpYaml("b"), "a");
        network.startWith("c", amqpYaml("c"), "a", "b");
        await().atMost(CONVERGE).until(() -> a.routeTo("b").equals("b/1") && a.routeTo("c").equals("c/1")
                && network.router("b").routeTo("c").equals("c/1"));
    }

    @AfterAll
    void stopNetwork() throws Exception {
        network.close();
    }

    @AfterEach
    void stopClients() throws Exception {
        for (Process client : clients) {
            client.destroyForcibly();
        }
        clients.clear();
        for (MqttClient client : mqttClients) {
            try {
                client.disconnectForcibly(0, 1_000);
                client.close(true);
            } catch (MqttException e) {
                // the router may be gone
            }
        }
        mqttClients.clear();
    }

    private String amqpUrl(String router) {
        return "amqp://127.0.0.1:" + amqpPorts.computeIfAbsent(router, k -> FreePorts.next());
    }

    private String amqpYaml(String router) {
        amqpUrl(router);
        return "amqp:\n  listen:\n    host: 127.0.0.1\n    port: " + amqpPorts.get(router) + "\n" + RULES;
    }

    private Path script() throws IOException {
        Path script = dir.resolve("amqp_client.py");
        if (!Files.exists(script)) {
            try (InputStream in = AmqpAdaptorIT.class.getResourceAsStream("/amqp_client.py")) {
                Files.copy(in, script);
            }
        }
        return script;
    }

    private Process python(String name, String... args) throws IOException {
        // Debian's interpreter, where python3-qpid-proton installs; a python3 earlier on PATH (pyenv) lacks it
        String interpreter = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        List<String> command = new ArrayList<>(List.of(interpreter, script().toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".out").toFile()).start();
        clients.add(process);
        return process;
    }

    /** A receiver on {@code router}'s AMQP listener; returns the file its messages go to, once it is attached. */
    private Path receiver(String name, String router, String address) throws IOException {
        Path received = dir.resolve(name + ".received");
        python(name, "receive", amqpUrl(router), address, received.toString(), "150");
        await().atMost(CONVERGE).until(() -> output(name).contains("attached"));
        return received;
    }

    private Process sender(String name, String router, String address, String prefix, int count) throws IOException {
        return python(name, "send", amqpUrl(router), address, prefix, String.valueOf(count),
                dir.resolve(name + ".accepted").toString(), "120");
    }

    private String output(String name) throws IOException {
        Path file = dir.resolve(name + ".out");
        return Files.exists(file) ? Files.readString(file) : "";
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    }

    private static List<String> expected(String prefix, int count) {
        List<String> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            all.add(prefix + ":" + i);
        }
        return all;
    }

    private void awaitSent(String name, Process sender) throws Exception {
        assertThat(sender.waitFor(DELIVERY.toSeconds(), TimeUnit.SECONDS)).as("sender %s finished", name).isTrue();
        assertThat(sender.exitValue()).as("sender %s: %s", name, output(name)).isZero();
    }

    /** Routers that router {@code router} knows as consumers of {@code row} (as status names it). */
    private Set<String> consumersOf(String router, String row) {
        Set<String> routers = new HashSet<>();
        network.router(router).status().ifPresent(status -> status.path("addresses").forEach(entry -> {
            if (entry.path("address").asText().equals(row)) {
                entry.path("routers").forEach(id -> routers.add(id.asText()));
            }
        }));
        return routers;
    }

    @Test
    @Order(1)
    void shouldBalanceAnycastSendClosestAndMulticastToEveryReceiver() throws Exception {
        Path jobsB = receiver("jobs-b", "b", "jobs");
        Path jobsC = receiver("jobs-c", "c", "jobs");
        Path nearA = receiver("near-a", "a", "near/1");
        Path nearC = receiver("near-c", "c", "near/1");
        Path mcB = receiver("mc-b", "b", "mc/news");
        Path mcC = receiver("mc-c", "c", "mc/news");
        await().atMost(CONVERGE).until(() -> consumersOf("a", "$share/amqp/jobs").containsAll(Set.of("b", "c"))
                && consumersOf("a", "filter mc/news").containsAll(Set.of("b", "c"))
                && consumersOf("a", "$share/amqp/near/1").contains("c"));

        int count = 200;
        Process jobs = sender("jobs", "a", "jobs", "j", count);
        Process near = sender("near", "a", "near/1", "n", 50);
        Process news = sender("news", "a", "mc/news", "m", count);
        awaitSent("jobs", jobs);
        awaitSent("near", near);
        awaitSent("news", news);

        await().atMost(DELIVERY).until(() -> lines(jobsB).size() + lines(jobsC).size() >= count
                && lines(mcB).size() >= count && lines(mcC).size() >= count && lines(nearA).size() >= 50);
        List<String> jobsReceived = new ArrayList<>(lines(jobsB));
        jobsReceived.addAll(lines(jobsC));
        assertThat(jobsReceived).as("anycast: each message to one receiver").containsExactlyInAnyOrderElementsOf(
                expected("j", count));
        assertThat(lines(jobsB)).as("balanced over b and c").isNotEmpty();
        assertThat(lines(jobsC)).as("balanced over b and c").isNotEmpty();
        assertThat(lines(nearA)).as("closest: the receiver on the sender's router").containsExactlyElementsOf(
                expected("n", 50));
        assertThat(lines(nearC)).as("closest: not the remote receiver").isEmpty();
        assertThat(lines(mcB)).as("multicast to b, in order").containsExactlyElementsOf(expected("m", count));
        assertThat(lines(mcC)).as("multicast to c, in order").containsExactlyElementsOf(expected("m", count));
        long accepted = network.router("a").status().orElseThrow().path("amqp").path("counters").path("accepted")
                .asLong();
        assertThat(accepted).as("status: amqp accepted at a").isGreaterThanOrEqualTo(2L * count + 50);
        assertThat(network.router("a").metricsText().orElseThrow()).as("/metrics")
                .containsPattern("vanrouter_amqp_outcomes\\w*\\{[^}]*outcome=\"accepted\"[^}]*\\} [1-9]")
                .contains("vanrouter_amqp_receivers");
        network.assertNoUnexpectedErrors(null);
    }

    @Test
    @Order(3)
    void shouldAnswerGarbageAndABadFrameWithAnErrorAndKeepServing() throws Exception {
        int port = amqpPorts.get("a");
        byte[] http = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        // the AMQP header, then a frame of 16 bytes (size, doff 2, type 0, channel 0) whose body is no performative
        byte[] badFrame = {'A', 'M', 'Q', 'P', 0, 1, 0, 0, 0, 0, 0, 16, 2, 0, 0, 0, 0, 0x53, (byte) 0x99, -1, -1, -1,
            -1, -1};
        assertThat(new String(exchange(port, http), StandardCharsets.ISO_8859_1)).as("proton's answer")
                .startsWith("AMQP").contains("amqp:connection:framing-error");
        assertThat(new String(exchange(port, badFrame), StandardCharsets.ISO_8859_1)).contains("amqp:decode-error");
        await().atMost(CONVERGE).until(() -> network.router("a").logText().lines()
                .filter(line -> line.contains("WARN") && line.contains("[a] AMQP connection from /127.0.0.1:"))
                .filter(line -> line.contains("closed: amqp:connection:framing-error")
                        || line.contains("closed: amqp:decode-error"))
                .count() == 2);

        Path received = receiver("after-garbage", "a", "still/here");
        Process sender = sender("after-garbage-sender", "a", "still/here", "s", 5);
        awaitSent("after-garbage-sender", sender);
        await().atMost(DELIVERY).until(() -> lines(received).size() >= 5);
        assertThat(lines(received)).containsExactlyElementsOf(expected("s", 5));
        network.assertNoUnexpectedErrors(null);
    }

    /** Writes {@code bytes} to the port and reads what comes back until the router closes the connection. */
    private static byte[] exchange(int port, byte[] bytes) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(bytes);
            return socket.getInputStream().readAllBytes();
        }
    }

    @Test
    @Order(4)
    void shouldLoseNothingAcceptedWhenAReceiversRouterIsKilled() throws Exception {
        Path onB = receiver("work-b", "b", "work");
        Path onC = receiver("work-c", "c", "work");
        await().atMost(CONVERGE).until(() -> consumersOf("a", "$share/amqp/work").containsAll(Set.of("b", "c")));

        int count = 1_000;
        Process sender = sender("work", "a", "work", "w", count);
        await().atMost(DELIVERY).until(() -> lines(onC).size() >= 30);
        int acceptedBeforeKill = lines(dir.resolve("work.accepted")).size();
        assertThat(sender.isAlive()).as("the sender is still sending when c dies").isTrue();
        network.router("c").kill();
        awaitSent("work", sender);
        System.out.printf("AmqpAdaptorIT: c killed after %d of %d accepted; b got %d, c got %d%n",
                acceptedBeforeKill, count, lines(onB).size(), lines(onC).size());

        List<String> accepted = lines(dir.resolve("work.accepted"));
        Set<String> received = new HashSet<>(lines(onB));
        received.addAll(lines(onC));
        assertThat(accepted).as("every message accepted once the sender is done")
                .containsExactlyInAnyOrderElementsOf(expected("w", count));
        assertThat(received).as("everything the sender saw ACCEPTED reached a receiver").containsAll(accepted);
        assertThat(lines(onB)).as("b took over after c died").isNotEmpty();
        network.assertNoUnexpectedErrors(null);
    }

    @Test
    @Order(2)
    void shouldCarryMessagesBetweenMqttAndAmqpClientsOfOneAddress() throws Exception {
        // MQTT subscriber on c, AMQP sender on a
        List<String> mqttReceived = new CopyOnWriteArrayList<>();
        MqttClient subscriber = mqtt("c", "sub-c");
        subscriber.subscribe("iot/temp", 1, (topic, message) -> mqttReceived.add(
                new String(message.getPayload(), StandardCharsets.UTF_8)));
        Process amqpSender = sender("temp", "a", "iot/temp", "t", 20);
        awaitSent("temp", amqpSender); // RELEASED (and sent again) until a knows the subscriber
        await().atMost(DELIVERY).until(() -> new HashSet<>(mqttReceived).containsAll(expected("t", 20)));

        // AMQP receiver on c, MQTT publisher on a
        Path amqpReceived = receiver("cmd-c", "c", "iot/cmd");
        await().atMost(CONVERGE).until(() -> consumersOf("a", "$share/amqp/iot/cmd").contains("c"));
        MqttClient publisher = mqtt("a", "pub-a");
        for (String payload : expected("m", 20)) {
            publisher.publish("iot/cmd", payload.getBytes(StandardCharsets.UTF_8), 1, false);
        }
        await().atMost(DELIVERY).until(() -> lines(amqpReceived).size() >= 20);
        assertThat(lines(amqpReceived)).containsExactlyElementsOf(expected("m", 20));
        network.assertNoUnexpectedErrors(null);
    }

    private MqttClient mqtt(String router, String clientId) throws MqttException {
        MqttClient client = new MqttClient(network.mqttUri(router), clientId, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        await().atMost(CONVERGE).ignoreExceptions().until(() -> {
            client.connect(options);
            return true;
        });
        mqttClients.add(client);
        return client;
    }
}
