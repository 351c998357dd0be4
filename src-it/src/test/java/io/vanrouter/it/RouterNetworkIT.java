package io.vanrouter.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real router processes on 127.0.0.1 learning topologies and rerouting around failures.
 *
 * <p>Triangle used below (a dials b and c, b dials c):
 * <pre>
 *        a
 *    1  / \  10
 *      b---c
 *        1
 * </pre>
 * a reaches c through b at cost 2 while b is up, directly at cost 10 when it is not.
 */
@ExtendWith(DumpOnFailure.class)
@Timeout(120)
class RouterNetworkIT {
    private static final Duration CONVERGE = Duration.ofSeconds(20);
    /** Failover budgets from the issue: 1 s after a connection drops, dead interval + 1 s for a silent peer. */
    private static final Duration AFTER_DROP = Duration.ofSeconds(1);
    private static final Duration AFTER_SILENCE = Duration.ofMillis(3_000 + 1_000);

    @TempDir
    Path dir;
    private TestNetwork network;

    @BeforeEach
    void setUp() {
        network = new TestNetwork(dir);
    }

    @AfterEach
    void tearDown() throws Exception {
        network.close();
    }

    @Test
    void shouldLearnLineTopologyAndRouteThroughMiddleRouter() throws Exception {
        RouterProcess a = network.start("a", "b");
        network.start("b", "c");
        RouterProcess c = network.start("c");

        await().atMost(CONVERGE).until(() -> a.routeTo("c").equals("b/2"));
        await().atMost(CONVERGE).until(() -> c.routeTo("a").equals("b/2"));
        assertThat(a.routeTo("b")).isEqualTo("b/1");
        network.assertNoUnexpectedErrors(null);
    }

    @Test
    void shouldRerouteWithinOneSecondWhenMiddleRouterIsKilledAndReturnWhenItRestarts() throws Exception {
        RouterProcess a = startTriangle();
        RouterProcess b = network.router("b");

        b.kill();
        // SIGKILL makes the kernel close b's sockets at once: the drop is immediate, so the budget starts now.
        await().atMost(AFTER_DROP).pollInterval(Duration.ofMillis(50)).until(() -> a.routeTo("c").equals("c/10"));

        b.restart();
        await().atMost(CONVERGE).until(() -> a.routeTo("c").equals("b/2"));
        await().atMost(CONVERGE).until(() -> a.routeTo("b").equals("b/1"));
        network.assertNoUnexpectedErrors(null);
    }

    @Test
    void shouldRerouteWithinDeadIntervalWhenMiddleRouterFreezes() throws Exception {
        RouterProcess a = startTriangle();
        RouterProcess b = network.router("b");

        b.freeze();
        await().atMost(AFTER_SILENCE).pollInterval(Duration.ofMillis(50)).until(() -> a.routeTo("c").equals("c/10"));
        // c's dead timer may fire first (its new link state already moves a's route): a's own follows within it
        await().atMost(AFTER_SILENCE).until(() -> a.logText().contains("dead interval"));

        b.thaw();
        await().atMost(CONVERGE).until(() -> a.routeTo("c").equals("b/2"));
        network.assertNoUnexpectedErrors(null);
    }

    @Test
    void shouldRerouteAtOnceWhenPeerShutsDownInOrder() throws Exception {
        RouterProcess a = startTriangle();
        RouterProcess b = network.router("b");

        assertThat(b.stop()).as("exit code after SIGTERM").isZero();
        await().atMost(AFTER_DROP).pollInterval(Duration.ofMillis(50)).until(() -> a.routeTo("c").equals("c/10"));
        assertThat(b.logText()).contains("[b] router shutting down");
        // a was told why: b's CLOSE with reason SHUTDOWN, not a dropped connection (a logs the reason after rerouting).
        Pattern closedByB = Pattern.compile(
                "\\[a L\\d+ peer=b\\] link down: closed by b: SHUTDOWN: router shutting down");
        await().atMost(CONVERGE).until(() -> closedByB.matcher(a.logText()).find());
        network.assertNoUnexpectedErrors(null);
    }

    @Test
    void shouldRefuseRouterWithDuplicateIdAndLogReasonOnBothSides() throws Exception {
        RouterProcess a = network.start("a");
        network.start("b", "a");
        await().atMost(CONVERGE).until(() -> a.routeTo("b").equals("b/1"));

        RouterProcess impostor = network.startAs("x", "b", "it", "a");
        await().atMost(CONVERGE).until(() -> Pattern.compile("(?i)duplicate router id").matcher(a.logText()).find()
                && Pattern.compile("(?i)refused by peer.*duplicate").matcher(impostor.logText()).find());
        assertThat(a.routeTo("b")).as("the real b keeps its link").isEqualTo("b/1");
        network.assertNoUnexpectedErrors(Pattern.compile("(?i)duplicate"));
    }

    @Test
    void shouldRefuseRouterFromAnotherNetworkAndLogReasonOnBothSides() throws Exception {
        RouterProcess a = network.start("a");
        RouterProcess stranger = network.startAs("s", "s", "elsewhere", "a");

        await().atMost(CONVERGE).until(() -> Pattern.compile("(?i)refused.*network").matcher(a.logText()).find()
                && Pattern.compile("(?i)refused by peer.*network").matcher(stranger.logText()).find());
        assertThat(a.routeTo("s")).isEqualTo("unknown");
        network.assertNoUnexpectedErrors(null);
    }

    private RouterProcess startTriangle() throws Exception {
        RouterProcess a = network.start("a", "b", "c:10");
        network.start("b", "c");
        network.start("c");
        await().atMost(CONVERGE).until(() -> a.routeTo("c").equals("b/2"));
        return a;
    }
}
