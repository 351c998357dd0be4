package io.vanrouter.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.vanrouter.core.CoreSettings;
import io.vanrouter.it.FaultProxy.Direction;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An inter-router link over a bad path. Router b dials router a through a {@link FaultProxy} that holds every chunk
 * 500 ms in each direction (a 1 s round trip on the link and on every data connection) and, in some tests, stalls
 * the path. A TCP client at b reaches an echo server behind a over the link:
 * <pre>
 *   client -> b (listener "echo") --dials--> proxy (500 ms each way, stalls) --> a (connector "echo") -> echo server
 * </pre>
 * The routers run with the built-in hello interval, dead interval, handshake timeout and backoff: their configs have
 * no routing section. On TCP, loss shows as a stall (retransmissions), never as missing bytes, so a stall is the loss
 * this test makes.
 */
@ExtendWith(DumpOnFailure.class)
@Timeout(60)
class BadNetworkIT {
    private static final long ONE_WAY_DELAY_MILLIS = 500;
    private static final long HELLO_MILLIS = CoreSettings.HELLO_INTERVAL_MILLIS_DEFAULT;
    private static final long DEAD_MILLIS = CoreSettings.DEAD_INTERVAL_MILLIS_DEFAULT;
    /**
     * The longest stall a link is sure to survive is the dead interval minus one hello interval (the last hello before
     * the stall may be that old); one more hello interval leaves room for a slow machine.
     */
    private static final long SHORT_STALL_MILLIS = DEAD_MILLIS - 2 * HELLO_MILLIS;
    private static final Duration CONVERGE = Duration.ofSeconds(30);
    private static final Pattern COUNTER = Pattern.compile("(?m)^(\\w+)\\{([^}]*)} (\\S+)$");

    @TempDir
    Path dir;
    private TestNetwork network;
    private ServerSocket echo;
    private FaultProxy proxy;
    private RouterProcess a;
    private RouterProcess b;
    private int tcpPort;
    private long bStartedNanos;

    @BeforeEach
    void setUp() throws IOException {
        network = new TestNetwork(dir);
        echo = Servers.echo();
        proxy = FaultProxy.start("b-a", FreePorts.next(), network.listenPort("a"));
        proxy.delay(ONE_WAY_DELAY_MILLIS, Direction.FORWARD, Direction.BACKWARD);
        tcpPort = FreePorts.next();
        a = network.launch("a", yaml("a", -1, TcpAdaptorIT.connector("echo", echo.getLocalPort())));
        bStartedNanos = System.nanoTime();
        b = network.launch("b", yaml("b", proxy.port(), TcpAdaptorIT.listener("echo", tcpPort)));
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            network.close();
        } finally {
            proxy.close();
            echo.close();
        }
    }

    /** Plain links, no routing section (every interval at its default); b dials a through {@code peerPort}. */
    private String yaml(String id, int peerPort, String extra) {
        StringBuilder y = new StringBuilder();
        y.append("router:\n  id: ").append(id).append("\n  mode: interior\n  network: badnet\n");
        y.append("listen:\n  - host: 127.0.0.1\n    port: ").append(network.listenPort(id)).append('\n');
        if (peerPort > 0) {
            y.append("peers:\n  - host: 127.0.0.1\n    port: ").append(peerPort).append("\n    cost: 1\n");
        }
        y.append("management:\n  host: 127.0.0.1\n  port: ").append(FreePorts.next()).append('\n');
        y.append("tls:\n  insecure: true\n");
        return y.append(extra).toString();
    }

    @Test
    void shouldKeepALinkWithOneSecondRoundTripUpForThreeDeadIntervalsWhileItCarriesAStream() throws Exception {
        long[] ids = awaitLinkUp();
        long upMillis = millisSince(bStartedNanos);
        await().atMost(CONVERGE).until(() -> TcpAdaptorIT.addressRouters(b, "echo").contains("a"));

        byte[] payload = randomBytes(512 << 10, 1);
        long start = System.nanoTime();
        assertThat(echoRoundTrip(payload)).as("512 KiB echoed over the delayed link").isEqualTo(payload);
        long echoMillis = millisSince(start);
        assertThat(echoMillis).as("the round trip crossed the proxy both ways").isGreaterThanOrEqualTo(
                2 * ONE_WAY_DELAY_MILLIS);

        // The link's age counts from its handshake: a link that went down and came back would be younger (and
        // counted below).
        await().atMost(Duration.ofSeconds(3 * DEAD_MILLIS / 1_000 + 15))
                .until(() -> linkAgeMillis(b, "a") >= 3 * DEAD_MILLIS);
        assertSameLinkUp(ids);
        assertLinkCounters(1, 0);
        assertThat(a.logText() + b.logText()).doesNotContain("neighbour lost").doesNotContain("link down");
        System.out.printf("[badnet] 1 s RTT: link up %d ms after b started, 512 KiB echo in %d ms, up for %d ms "
                + "(last hello age a %d ms, b %d ms)%n", upMillis, echoMillis, linkAgeMillis(b, "a"),
                link(a, "b").path("lastHelloAgeMillis").asLong(), link(b, "a").path("lastHelloAgeMillis").asLong());
        network.assertNoUnexpectedErrors(null);
    }

    @Test
    void shouldKeepTheLinkAndItsStreamThroughAStallShorterThanTheDeadInterval() throws Exception {
        long[] ids = awaitLinkUp();
        await().atMost(CONVERGE).until(() -> TcpAdaptorIT.addressRouters(b, "echo").contains("a"));
        byte[] payload = randomBytes(64 << 10, 2);
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), tcpPort)) {
            client.setSoTimeout(30_000);
            client.getOutputStream().write('x');
            assertThat(client.getInputStream().read()).as("stream open end to end").isEqualTo('x');

            proxy.stall(Direction.FORWARD, Direction.BACKWARD);
            long stalledAt = System.nanoTime();
            client.getOutputStream().write(payload); // held in the stalled path
            pace(SHORT_STALL_MILLIS - millisSince(stalledAt)); // the fault's length, not synchronisation
            long silenceA = link(a, "b").path("lastHelloAgeMillis").asLong();
            long silenceB = link(b, "a").path("lastHelloAgeMillis").asLong();
            proxy.resume(Direction.FORWARD, Direction.BACKWARD);
            long resumedAt = System.nanoTime();

            assertThat(client.getInputStream().readNBytes(payload.length)).as("bytes written during the stall")
                    .isEqualTo(payload);
            // Both routers hear their peer again after the stall, on the link they had before it.
            await().atMost(CONVERGE).until(() -> heardSince(a, "b", resumedAt) && heardSince(b, "a", resumedAt));
            assertSameLinkUp(ids);
            assertLinkCounters(1, 0);
            System.out.printf("[badnet] %d ms stall: silence seen before it ended a %d ms, b %d ms; link kept%n",
                    SHORT_STALL_MILLIS, silenceA, silenceB);
        }
        network.assertNoUnexpectedErrors(null);
    }

    @Test
    void shouldDropTheLinkOnAStallLongerThanTheDeadIntervalAndRedialOnceThePathRecovers() throws Exception {
        long[] ids = awaitLinkUp();
        await().atMost(CONVERGE).until(() -> TcpAdaptorIT.addressRouters(b, "echo").contains("a"));

        proxy.stall(Direction.FORWARD, Direction.BACKWARD);
        long stalledAt = System.nanoTime();
        await().atMost(Duration.ofMillis(DEAD_MILLIS + 10_000)).pollInterval(Duration.ofMillis(100))
                .until(() -> counter(a, "vanrouter_link_lost_total", "b") == 1
                        && counter(b, "vanrouter_link_lost_total", "a") == 1);
        long lostMillis = millisSince(stalledAt);
        // Not sooner than the dead interval allows: the last hello before the stall may be a hello interval old.
        assertThat(lostMillis).isGreaterThanOrEqualTo(DEAD_MILLIS - HELLO_MILLIS);
        String expired = "neighbour lost: dead interval expired (nothing heard for " + DEAD_MILLIS + " ms)";
        assertThat(a.logText()).contains(expired);
        assertThat(b.logText()).contains(expired);

        proxy.resume(Direction.FORWARD, Direction.BACKWARD);
        long resumedAt = System.nanoTime();
        long[] again = awaitLinkUp();
        long recoveredMillis = millisSince(resumedAt);
        assertThat(again[0]).as("a new link at a").isNotEqualTo(ids[0]);
        assertThat(again[1]).as("a new link at b").isNotEqualTo(ids[1]);

        byte[] payload = randomBytes(64 << 10, 3);
        await().atMost(CONVERGE).ignoreExceptions()
                .untilAsserted(() -> assertThat(echoRoundTrip(payload)).isEqualTo(payload));
        assertLinkCounters(2, 1);
        System.out.printf("[badnet] long stall: link lost %d ms after the stall began, up again %d ms after the "
                + "path recovered%n", lostMillis, recoveredMillis);
        network.assertNoUnexpectedErrors(null);
    }

    /** Waits until a and b each have a two-way link to the other; returns their link ids (a's, b's). */
    private long[] awaitLinkUp() {
        await().atMost(CONVERGE).pollInterval(Duration.ofMillis(100))
                .until(() -> "up".equals(link(a, "b").path("state").asText())
                        && "up".equals(link(b, "a").path("state").asText()));
        return new long[] {link(a, "b").path("id").asLong(), link(b, "a").path("id").asLong()};
    }

    private void assertSameLinkUp(long[] ids) {
        assertThat(link(a, "b").path("id").asLong()).as("a's link to b").isEqualTo(ids[0]);
        assertThat(link(b, "a").path("id").asLong()).as("b's link to a").isEqualTo(ids[1]);
        assertThat(link(a, "b").path("state").asText()).isEqualTo("up");
        assertThat(link(b, "a").path("state").asText()).isEqualTo("up");
    }

    /** Links established and lost, as both routers' metrics count them. */
    private void assertLinkCounters(long established, long lost) {
        assertThat(counter(a, "vanrouter_link_established_total", "b")).as("a: links established").isEqualTo(
                established);
        assertThat(counter(b, "vanrouter_link_established_total", "a")).as("b: links established").isEqualTo(
                established);
        assertThat(counter(a, "vanrouter_link_lost_total", "b")).as("a: links lost").isEqualTo(lost);
        assertThat(counter(b, "vanrouter_link_lost_total", "a")).as("b: links lost").isEqualTo(lost);
    }

    /** {@code router}'s status row of its link to {@code peer}; a missing node when it has none or is silent. */
    private static JsonNode link(RouterProcess router, String peer) {
        JsonNode status = router.status().orElse(MissingNode.getInstance());
        for (JsonNode link : status.path("links")) {
            if (peer.equals(link.path("peer").asText()) && link.path("id").asLong() >= 0) {
                return link;
            }
        }
        return MissingNode.getInstance();
    }

    private static long linkAgeMillis(RouterProcess router, String peer) {
        return link(router, peer).path("ageMillis").asLong();
    }

    /** Whether {@code router} heard {@code peer} after {@code sinceNanos} (on whatever link it has now). */
    private static boolean heardSince(RouterProcess router, String peer, long sinceNanos) {
        long asked = System.nanoTime();
        JsonNode link = link(router, peer);
        return "up".equals(link.path("state").asText())
                && link.path("lastHelloAgeMillis").asLong() < TimeUnit.NANOSECONDS.toMillis(asked - sinceNanos);
    }

    /** A counter of {@code router}'s /metrics for the neighbour {@code peer}: 0 when absent, -1 if it is silent. */
    private static long counter(RouterProcess router, String name, String peer) {
        String text = router.metricsText().orElse(null);
        if (text == null) {
            return -1;
        }
        Matcher matcher = COUNTER.matcher(text);
        long total = 0;
        while (matcher.find()) {
            if (matcher.group(1).equals(name) && matcher.group(2).contains("peer=\"" + peer + "\"")) {
                total += (long) Double.parseDouble(matcher.group(3));
            }
        }
        return total;
    }

    private byte[] echoRoundTrip(byte[] payload) throws Exception {
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), tcpPort)) {
            client.setSoTimeout(30_000);
            return Servers.roundTrip(client, payload, 30);
        }
    }

    private static byte[] randomBytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    private static void pace(long millis) throws InterruptedException {
        if (millis > 0) {
            TimeUnit.MILLISECONDS.sleep(millis);
        }
    }
}
