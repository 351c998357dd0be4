package io.vanrouter.it;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Steady MQTT load with sequence numbers (Paho 3.1.1 clients): a QoS 1 publisher on a, whose messages go to a plain
 * QoS 1 subscriber on c and to a shared group with members on c and d; a QoS 0 publisher on a, whose messages go to
 * multicast subscribers on a, c and d. The clients' routers are never faulted, so their connections must last.
 */
final class MqttLoad implements AutoCloseable {
    static final String QOS1_TOPIC = "q1/orders";
    static final String MULTICAST_TOPIC = "mc/x";
    static final int QOS1_IN_FLIGHT = 20;

    /** Sequence numbers in arrival order; probes (sent until subscriptions settle) are not recorded. */
    static final class Recorder implements MqttCallback {
        final String name;
        final List<Integer> seqs = Collections.synchronizedList(new ArrayList<>());
        volatile boolean probed;
        volatile Throwable lost;

        Recorder(String name) {
            this.name = name;
        }

        @Override
        public void connectionLost(Throwable cause) {
            lost = cause;
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            String text = new String(message.getPayload(), StandardCharsets.UTF_8);
            if (text.equals("probe")) {
                probed = true;
            } else {
                seqs.add(Integer.parseInt(text));
            }
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
        }

        List<Integer> snapshot() {
            synchronized (seqs) {
                return new ArrayList<>(seqs);
            }
        }
    }

    private final FaultMesh mesh;
    private final List<MqttClient> clients = new ArrayList<>();
    final Recorder plain = new Recorder("plain@c");
    final List<Recorder> shared = List.of(new Recorder("shared@c"), new Recorder("shared@d"));
    final List<Recorder> multicast = List.of(new Recorder("mc@a"), new Recorder("mc@c"), new Recorder("mc@d"));
    private MqttAsyncClient qos1Publisher;
    private MqttClient multicastPublisher;
    private final Set<Integer> acked = ConcurrentHashMap.newKeySet();
    private final List<String> publishErrors = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger multicastSeq = new AtomicInteger();
    private final AtomicInteger qos1Seq = new AtomicInteger();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    MqttLoad(FaultMesh mesh) {
        this.mesh = mesh;
    }

    void start(Duration settle) throws Exception {
        subscribe("c", "plain-c", QOS1_TOPIC, 1, plain);
        subscribe("c", "shared-c", "$share/workers/" + QOS1_TOPIC, 1, shared.get(0));
        subscribe("d", "shared-d", "$share/workers/" + QOS1_TOPIC, 1, shared.get(1));
        for (int i = 0; i < 3; i++) {
            String router = List.of("a", "c", "d").get(i);
            subscribe(router, "mc-" + router, MULTICAST_TOPIC, 0, multicast.get(i));
        }
        qos1Publisher = new MqttAsyncClient(mesh.mqttUri("a"), "pub-q1", new MemoryPersistence());
        qos1Publisher.connect(options()).waitForCompletion(10_000);
        multicastPublisher = new MqttClient(mesh.mqttUri("a"), "pub-mc", new MemoryPersistence());
        multicastPublisher.connect(options());
        // Probe at QoS 0 until every subscription has reached the publishers' router (a QoS 1 probe to a group
        // a does not know yet would wait for a member for up to 60 s).
        await().atMost(settle).pollInterval(Duration.ofMillis(200)).until(() -> {
            multicastPublisher.publish(QOS1_TOPIC, bytes("probe"), 0, false);
            multicastPublisher.publish(MULTICAST_TOPIC, bytes("probe"), 0, false);
            return plain.probed && shared.stream().anyMatch(r -> r.probed)
                    && multicast.stream().allMatch(r -> r.probed);
        });
        threads.add(daemon("qos1-publisher", this::publishQos1));
        threads.add(daemon("multicast-publisher", this::publishMulticast));
        threads.forEach(Thread::start);
    }

    private void subscribe(String router, String clientId, String filter, int qos, Recorder recorder)
            throws MqttException {
        MqttClient client = new MqttClient(mesh.mqttUri(router), clientId, new MemoryPersistence());
        client.setCallback(recorder);
        client.connect(options());
        client.subscribe(filter, qos);
        clients.add(client);
    }

    private static MqttConnectOptions options() {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setMaxInflight(QOS1_IN_FLIGHT * 2);
        options.setKeepAliveInterval(60);
        return options;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** QoS 1 with at most QOS1_IN_FLIGHT unacknowledged; a PUBACK puts the sequence number in {@link #acked}. */
    private void publishQos1() {
        Semaphore window = new Semaphore(QOS1_IN_FLIGHT);
        try {
            while (running) {
                if (!window.tryAcquire(1, TimeUnit.SECONDS)) {
                    continue;
                }
                int seq = qos1Seq.getAndIncrement();
                qos1Publisher.publish(QOS1_TOPIC, bytes(Integer.toString(seq)), 1, false, null,
                        new IMqttActionListener() {
                            @Override
                            public void onSuccess(IMqttToken token) {
                                acked.add(seq);
                                window.release();
                            }

                            @Override
                            public void onFailure(IMqttToken token, Throwable error) {
                                publishErrors.add("qos1 " + seq + ": " + error);
                                window.release();
                            }
                        });
                TimeUnit.MILLISECONDS.sleep(5); // load pacing: about 200 messages/s at most
            }
        } catch (MqttException e) {
            publishErrors.add("qos1 publisher: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void publishMulticast() {
        try {
            while (running) {
                int seq = multicastSeq.get();
                multicastPublisher.publish(MULTICAST_TOPIC, bytes(Integer.toString(seq)), 0, false);
                multicastSeq.incrementAndGet();
                TimeUnit.MILLISECONDS.sleep(10); // load pacing: about 100 messages/s
            }
        } catch (MqttException e) {
            publishErrors.add("multicast publisher: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The sequence number the next multicast message will carry. */
    int nextMulticastSeq() {
        return multicastSeq.get();
    }

    /** Waits until every multicast subscriber has seen a sequence number of at least {@code seq}. */
    void awaitMulticastPast(int seq, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(50)).until(() -> multicast.stream()
                .allMatch(r -> r.snapshot().stream().anyMatch(s -> s >= seq)));
    }

    /** Problems with exactly-once, in-order delivery of multicast messages lo..hi (inclusive) to every subscriber. */
    List<String> checkMulticastWindow(int lo, int hi) {
        List<String> problems = new ArrayList<>();
        for (Recorder recorder : multicast) {
            List<Integer> inWindow = recorder.snapshot().stream().filter(s -> s >= lo && s <= hi).toList();
            List<Integer> expected = java.util.stream.IntStream.rangeClosed(lo, hi).boxed().toList();
            if (!inWindow.equals(expected)) {
                problems.add(recorder.name + " window " + lo + ".." + hi + ": got " + inWindow.size() + " of "
                        + expected.size() + ", first difference " + firstDifference(inWindow, expected));
            }
        }
        return problems;
    }

    private static String firstDifference(List<Integer> got, List<Integer> expected) {
        for (int i = 0; i < Math.min(got.size(), expected.size()); i++) {
            if (!got.get(i).equals(expected.get(i))) {
                return "at " + i + ": got " + got.get(i) + ", expected " + expected.get(i);
            }
        }
        return got.size() < expected.size() ? "missing from " + expected.get(got.size()) : "extra at the end";
    }

    /** Stops publishing and waits for the publisher's in-flight QoS 1 messages to be acknowledged or failed. */
    void stopPublishing(Duration atMost) throws InterruptedException {
        running = false;
        for (Thread thread : threads) {
            thread.join(atMost.toMillis());
        }
        await().atMost(atMost).until(() -> qos1Publisher.getPendingDeliveryTokens().length == 0);
    }

    Set<Integer> acked() {
        return Set.copyOf(acked);
    }

    List<String> publishErrors() {
        return List.copyOf(publishErrors);
    }

    /** Acknowledged QoS 1 sequence numbers that none of {@code recorders} has received. */
    List<Integer> missing(List<Recorder> recorders) {
        Set<Integer> received = new java.util.HashSet<>();
        recorders.forEach(r -> received.addAll(r.snapshot()));
        return acked.stream().filter(s -> !received.contains(s)).sorted().toList();
    }

    /** Sequence numbers as compact ranges, e.g. "3-17, 40 (16 in all)". */
    static String ranges(List<Integer> sorted) {
        if (sorted.isEmpty()) {
            return "none";
        }
        StringBuilder text = new StringBuilder();
        int first = sorted.get(0);
        int last = first;
        for (int i = 1; i <= sorted.size(); i++) {
            if (i < sorted.size() && sorted.get(i) == last + 1) {
                last = sorted.get(i);
                continue;
            }
            text.append(text.length() == 0 ? "" : ", ").append(first == last ? "" + first : first + "-" + last);
            if (i < sorted.size()) {
                first = sorted.get(i);
                last = first;
            }
        }
        return text + " (" + sorted.size() + " in all)";
    }

    /** The sequence number the next QoS 1 message will carry. */
    int nextQos1Seq() {
        return qos1Seq.get();
    }

    /** Copies received more than once among {@code recorders} (QoS 1 allows them; counted and reported). */
    static int duplicates(List<Recorder> recorders) {
        Map<Integer, Integer> counts = new HashMap<>();
        recorders.forEach(r -> r.snapshot().forEach(s -> counts.merge(s, 1, Integer::sum)));
        return counts.values().stream().mapToInt(n -> n - 1).sum();
    }

    /** Subscribers or publishers whose connection was lost: their routers are never faulted, so none may be. */
    List<String> lostConnections() {
        List<String> lost = new ArrayList<>();
        for (Recorder recorder : allRecorders()) {
            if (recorder.lost != null) {
                lost.add(recorder.name + ": " + recorder.lost);
            }
        }
        return lost;
    }

    List<Recorder> allRecorders() {
        List<Recorder> all = new ArrayList<>(List.of(plain));
        all.addAll(shared);
        all.addAll(multicast);
        return all;
    }

    private static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }

    @Override
    public void close() {
        running = false;
        List<MqttClient> all = new ArrayList<>(clients);
        if (multicastPublisher != null) {
            all.add(multicastPublisher);
        }
        for (var client : all) {
            try {
                client.disconnectForcibly(0, 1_000);
                client.close(true);
            } catch (MqttException e) {
                // the router may be gone
            }
        }
        if (qos1Publisher != null) {
            try {
                qos1Publisher.disconnectForcibly(0, 1_000);
                qos1Publisher.close(true);
            } catch (MqttException e) {
                // the router may be gone
            }
        }
    }
}
