package io.vanrouter.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vanrouter.daemon.mgmt.StatusReport;
import io.vanrouter.daemon.mgmt.StatusReport.Link;
import io.vanrouter.daemon.mgmt.StatusReport.Node;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The demo triangle (a-b 1, b-c 1, a-c 5) is converged only once a reaches c through b. */
class DemoConvergenceTest {

    private static Node node(String id, long cost) {
        return new Node(id, id, cost, 1, true, 1, 1, 0);
    }

    private static Link up(String peer, long cost) {
        return new Link(1, peer, "up", cost, 0, "out", "127.0.0.1:1", 0, 0, null);
    }

    private static StatusReport report(String router, List<Node> nodes, List<Link> links) {
        return new StatusReport(router, "demo", "interior", 1, "test", 0, nodes, links, List.of());
    }

    @Test
    void reachabilityOverTheDearDirectLinkIsNotConvergence() {
        // Every link up, but a has not yet heard of the cheaper path through b (its table still says 5).
        List<StatusReport> early = List.of(
                report("a", List.of(node("b", 1), node("c", 5)), List.of(up("b", 1), up("c", 5))),
                report("b", List.of(node("a", 1), node("c", 1)), List.of(up("a", 1), up("c", 1))),
                report("c", List.of(node("a", 2), node("b", 1)), List.of(up("a", 5), up("b", 1))));
        assertThat(DemoConvergence.converged(early, 3)).isFalse();

        List<StatusReport> done = List.of(
                report("a", List.of(node("b", 1), node("c", 2)), List.of(up("b", 1), up("c", 5))),
                early.get(1), early.get(2));
        assertThat(DemoConvergence.converged(done, 3)).isTrue();
    }

    @Test
    void aLinkNotUpAtBothEndsIsNotConvergence() {
        // b-c not up yet: every router reaches every other (through a) and no table can do better with what is up.
        List<StatusReport> reports = List.of(
                report("a", List.of(node("b", 1), node("c", 5)), List.of(up("b", 1), up("c", 5))),
                report("b", List.of(node("a", 1), node("c", 6)), List.of(up("a", 1))),
                report("c", List.of(node("a", 5), node("b", 6)), List.of(up("a", 5))));
        assertThat(DemoConvergence.converged(reports, 3)).isFalse();
        assertThat(DemoConvergence.converged(reports, 2)).as("with only two links configured").isTrue();
    }
}
