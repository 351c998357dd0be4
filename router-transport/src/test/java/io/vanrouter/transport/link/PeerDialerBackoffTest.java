package io.vanrouter.transport.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.vanrouter.transport.Endpoint;
import io.vanrouter.transport.LogCapture;
import io.vanrouter.transport.RecordingCore;
import io.vanrouter.transport.RouterMode;
import io.vanrouter.transport.TransportServer;
import io.vanrouter.transport.TransportSettings;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A dialer whose peer is unreachable keeps redialing, with jittered delays that never pass the configured cap. */
@Timeout(60)
class PeerDialerBackoffTest {
    private static final long INITIAL_MILLIS = 10;
    private static final long MAX_MILLIS = 100;
    /** About 5.5 s of redialing at the cap: "many", and still a short test. */
    private static final int RETRIES = 60;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern RETRY = Pattern.compile(
            "\\[b] peer 127\\.0\\.0\\.1:\\d+ still unreachable: .+; next attempt in (\\d+) ms");

    private final List<TransportServer> servers = new ArrayList<>();
    private final LogCapture log = new LogCapture("vanrouter.link", Level.DEBUG);

    @AfterEach
    void tearDown() {
        servers.forEach(TransportServer::close);
        log.close();
    }

    @Test
    void shouldDrawEveryDelayWithinTwentyPercentAndNeverAboveTheCap() {
        assertDraws(50, 1_000, 40, 60);
        assertDraws(100, 100, 80, 100); // at the cap: spread over its lower 20% only
        assertDraws(90, 100, 72, 100); // 108 would pass the cap
        assertDraws(5_000, Long.MAX_VALUE, 4_000, 6_000);
    }

    /** 10,000 draws lie in [low, high] and come within 1% of both ends (the spread is real). */
    private static void assertDraws(long millis, long maxMillis, long low, long high) {
        LongSummaryStatistics draws = new LongSummaryStatistics();
        for (int i = 0; i < 10_000; i++) {
            draws.accept(PeerDialer.jitter(millis, maxMillis));
        }
        long slack = Math.max(1, (high - low) / 100);
        assertThat(draws.getMin()).as("jitter(%d, %d) min", millis, maxMillis).isBetween(low, low + slack);
        assertThat(draws.getMax()).as("jitter(%d, %d) max", millis, maxMillis).isBetween(high - slack, high);
    }

    @Test
    void shouldKeepRedialingAnUnreachablePeerWithJitteredDelaysBelowTheCap() throws Exception {
        int port = freePort();
        TransportServer b = start("b", -1, new RecordingCore(), new Endpoint("127.0.0.1", port, 1));

        await().atMost(WAIT).until(() -> retries().size() >= RETRIES);
        List<LogCapture.Event> retries = retries().subList(0, RETRIES);
        List<Long> delays = retries.stream().map(PeerDialerBackoffTest::delayOf).toList();

        // The first failure is the WARN line; these are failures 2, 3, 4 ...: 20, 40, 80 ms, then the cap.
        assertThat(delays.get(0)).isBetween(16L, 24L);
        assertThat(delays.get(1)).isBetween(32L, 48L);
        assertThat(delays.get(2)).isBetween(64L, 96L);
        List<Long> atCap = delays.subList(3, delays.size());
        assertThat(atCap).as("delays at the cap").allSatisfy(d -> assertThat(d).isBetween(80L, MAX_MILLIS));
        assertThat(atCap.stream().distinct().count()).as("distinct delays at the cap (jitter)").isGreaterThan(5);
        // The delays were waited: the log lines are at least as far apart as the delays they announced (1 ms for the
        // clock's resolution, 10 ms more for a wall clock that NTP slews).
        long announced = delays.subList(0, RETRIES - 1).stream().mapToLong(Long::longValue).sum();
        long span = retries.get(RETRIES - 1).timeMillis() - retries.get(0).timeMillis();
        assertThat(span).as("time from first to last logged retry").isGreaterThanOrEqualTo(announced - 11);
        assertThat(log.messages(Level.WARN)).as("one WARN, then DEBUG").singleElement().asString()
                .endsWith("; retrying every <= " + MAX_MILLIS + " ms");
        System.out.printf("[backoff] %d retries in %d ms, delays announced %d ms, at the cap %s%n", RETRIES, span,
                announced, atCap.stream().mapToLong(Long::longValue).summaryStatistics());

        // Still dialing after all that: the peer appears and the link comes up within one capped delay or so.
        RecordingCore aCore = new RecordingCore();
        start("a", port, aCore);
        await().atMost(WAIT).until(() -> aCore.linksUp() == 1 && b.activeLink("a") != null);
        assertThat(log.messages(Level.INFO)).contains("[b] peer 127.0.0.1:" + port + " reachable again");
    }

    private TransportServer start(String id, int listenPort, RecordingCore core, Endpoint... peers)
            throws Exception {
        TransportServer server = new TransportServer(settings(id, listenPort, peers));
        servers.add(server);
        server.start(core);
        return server;
    }

    private static TransportSettings settings(String id, int listenPort, Endpoint... peers) {
        List<Endpoint> listen = listenPort < 0 ? List.of() : List.of(new Endpoint("127.0.0.1", listenPort, 1));
        return new TransportSettings(id, 1, "demo", RouterMode.INTERIOR, listen, List.of(peers), 5_000,
                TransportSettings.MAX_FRAME_BYTES_DEFAULT, INITIAL_MILLIS, MAX_MILLIS);
    }

    private List<LogCapture.Event> retries() {
        return log.events(Level.DEBUG).stream().filter(e -> RETRY.matcher(e.message()).matches()).toList();
    }

    private static long delayOf(LogCapture.Event event) {
        Matcher matcher = RETRY.matcher(event.message());
        assertThat(matcher.matches()).isTrue();
        return Long.parseLong(matcher.group(1));
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
