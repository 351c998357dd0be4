package io.vanrouter.transport.adaptor.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vanrouter.transport.adaptor.mqtt.PahoClients.Received;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Acceptance 3: a subscriber leaving, or its router going, stops traffic toward its router within 1 s. A publisher on a
 * sends one QoS 0 message per millisecond to subscribers on b and d while the test samples, after every message, the
 * MESSAGE frames the other routers have written to their links to d ({@code MessageCounters#copiesToPeer}) and
 * whether their address views still list d. Topology: the square with a diagonal (a-b, b-c, c-d, d-a, a-c).
 */
@Timeout(120)
class MqttWithdrawalTest {
    private static final long WITHDRAWAL_MAX_MILLIS = 1_000;
    /** How long the publisher goes on after the subscriber left: long enough to see a late copy. */
    private static final long OBSERVE_MILLIS = 2_500;
    private static final List<String> OTHERS = List.of("a", "b", "c");

    private final MqttTestNetwork network = new MqttTestNetwork();
    private final PahoClients paho = new PahoClients();
    private Received onB;
    private MqttClient subscriberOnD;
    private Received onD;
    private MqttClient publisher;
    /** Messages published to news/1 so far; b's subscriber gets every one. */
    private int published;

    /** What the sampling saw after the subscriber or router left at t0. */
    private record Withdrawal(long lastCopyMillis, long viewsClearMillis, long copiesAfter, int receivedOnBAfter) {
    }

    @BeforeEach
    void setUp() throws Exception {
        network.squareWithDiagonal();
        onB = paho.subscribe(network.node("b").uri(), "sub-b", "news/#", 0);
        onD = new Received();
        subscriberOnD = paho.connect(network.node("d").uri(), "sub-d", onD);
        subscriberOnD.subscribe("news/+", 0);
        network.awaitSubscribers("a", "news/1", Set.of("b", "d"));
        publisher = paho.connect(network.node("a").uri(), "pub-a", null);
        int seq = 0;
        while (onD.count() < 10) { // traffic flows toward d before it leaves
            publisher.publish("news/1", PahoClients.payload("a", seq++), 0, false);
            published++;
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // pacing, not synchronisation
        }
    }

    @AfterEach
    void tearDown() {
        paho.close();
        network.close();
    }

    private long copiesTowardD() {
        return OTHERS.stream().mapToLong(id -> network.node(id).server().messageRouter().counters()
                .copiesToPeer("d")).sum();
    }

    private boolean viewsClear() {
        return OTHERS.stream().noneMatch(id -> network.node(id).route("news/1").remoteSubscribers()
                .containsKey("d"));
    }

    /** Runs {@code leave}, then publishes for OBSERVE_MILLIS sampling the copies toward d after every message. */
    private Withdrawal publishWhileLeaving(Runnable leave) throws Exception {
        int receivedOnB = onB.count();
        leave.run();
        long t0 = System.nanoTime();
        long copies = copiesTowardD();
        long lastCopyNanos = t0;
        long clearNanos = -1;
        long copiesAtLimit = -1;
        int receivedOnBAtLimit = -1;
        for (int seq = 0; System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(OBSERVE_MILLIS); seq++) {
            publisher.publish("news/1", PahoClients.payload("after", seq), 0, false);
            published++;
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            long now = System.nanoTime();
            long sampled = copiesTowardD();
            if (sampled != copies) {
                copies = sampled;
                lastCopyNanos = now;
            }
            if (clearNanos < 0 && viewsClear()) {
                clearNanos = now;
            }
            if (copiesAtLimit < 0 && now - t0 >= TimeUnit.MILLISECONDS.toNanos(WITHDRAWAL_MAX_MILLIS)) {
                copiesAtLimit = sampled;
                receivedOnBAtLimit = onB.count();
            }
        }
        // Nothing on the way to b changed: let the copies still in flight arrive, then count what b got after 1 s.
        int all = published;
        await().atMost(Duration.ofSeconds(30)).alias("b received all " + all + " messages")
                .until(() -> onB.count() >= all);
        Withdrawal result = new Withdrawal(TimeUnit.NANOSECONDS.toMillis(lastCopyNanos - t0),
                clearNanos < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(clearNanos - t0), copiesTowardD() - copiesAtLimit,
                onB.count() - receivedOnBAtLimit);
        System.out.printf("withdrawal: last copy toward d after %d ms, views clear after %d ms, b received %d "
                + "(%d after 1 s)%n", result.lastCopyMillis(), result.viewsClearMillis(), onB.count() - receivedOnB,
                result.receivedOnBAfter());
        return result;
    }

    private static void assertWithdrawnWithinOneSecond(Withdrawal withdrawal) {
        assertThat(withdrawal.lastCopyMillis()).as("last copy toward d, ms after leaving")
                .isLessThan(WITHDRAWAL_MAX_MILLIS);
        assertThat(withdrawal.copiesAfter()).as("copies toward d after 1 s").isZero();
        assertThat(withdrawal.viewsClearMillis()).as("every other router stopped listing d, ms")
                .isBetween(0L, WITHDRAWAL_MAX_MILLIS);
        assertThat(withdrawal.receivedOnBAfter()).as("traffic to b went on").isPositive();
    }

    @Test
    void shouldStopTrafficTowardRouterWithinOneSecondOfUnsubscribe() throws Exception {
        assertWithdrawnWithinOneSecond(publishWhileLeaving(() -> {
            try {
                subscriberOnD.unsubscribe("news/+");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }));
    }

    @Test
    void shouldStopTrafficTowardRouterWithinOneSecondOfClientDisconnect() throws Exception {
        assertWithdrawnWithinOneSecond(publishWhileLeaving(() -> {
            try {
                subscriberOnD.disconnectForcibly(0, 1_000, false); // the socket just closes: no DISCONNECT
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }));
    }

    @Test
    void shouldStopTrafficTowardRouterWithinOneSecondOfItsStop() throws Exception {
        assertWithdrawnWithinOneSecond(publishWhileLeaving(() -> network.stop("d")));
    }
}
