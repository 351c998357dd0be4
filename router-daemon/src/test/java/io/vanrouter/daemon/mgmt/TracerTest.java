package io.vanrouter.daemon.mgmt;

import static org.assertj.core.api.Assertions.assertThat;

import io.vanrouter.core.address.Address;
import io.vanrouter.core.address.AddressRule;
import io.vanrouter.core.address.AddressRules;
import io.vanrouter.core.address.AddressSnapshotView;
import io.vanrouter.core.address.AddressTable;
import io.vanrouter.core.address.Distribution;
import io.vanrouter.core.linkstate.LinkState;
import io.vanrouter.core.path.MulticastTrees;
import io.vanrouter.core.path.Route;
import io.vanrouter.core.path.RoutingTable;
import io.vanrouter.daemon.mgmt.TraceReport.Destination;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Traces at router a of the triangle
 * <pre>
 *   a --1-- b --1-- c      a--c costs 5, so c is reached through b at cost 2
 *    \______5______/
 * </pre>
 * with consumers advertised by address tables of b and c (and d, which no path reaches).
 */
class TracerTest {
    private static final AddressRules RULES = AddressRules.of(List.of(
            AddressRule.prefix("near/", Distribution.CLOSEST)));

    private final RoutingTable table = new RoutingTable("a", 7,
            Map.of("b", new Route("b", "b", 1, 1, 1), "c", new Route("c", "b", 1, 2, 2)), Set.of("d"),
            MulticastTrees.of(List.of(
                    new LinkState("a", 1, 1, Map.of("b", 1, "c", 5)),
                    new LinkState("b", 1, 1, Map.of("a", 1, "c", 1)),
                    new LinkState("c", 1, 1, Map.of("a", 5, "b", 1)))));
    private final AddressTable a = new AddressTable("a", 1, RULES, () -> 0);

    /** Router {@code router} advertises one consumer of each of {@code addresses} to a. */
    private void advertise(String router, Address... addresses) {
        AddressTable remote = new AddressTable(router, 1, RULES, () -> 0);
        for (Address address : addresses) {
            remote.localAdd(address);
        }
        remote.pollUpdate(Long.MAX_VALUE / 2).ifPresent(a::onUpdate);
        a.applyPending(Integer.MAX_VALUE);
    }

    private TraceReport trace(String address, Map<String, Long> open) {
        AddressSnapshotView view = a.view();
        return Tracer.trace(address, table, view, 3, router -> open.getOrDefault(router, 0L));
    }

    @Test
    void shouldPreferTheLessLoadedConnectorWhenBalanced() {
        advertise("b", Address.plain("svc"));
        advertise("c", Address.plain("svc"));

        TraceReport trace = trace("svc", Map.of("b", 3L));

        assertThat(trace.kind()).isEqualTo("address");
        assertThat(trace.distribution()).isEqualTo("balanced");
        assertThat(trace.destinations()).containsExactly(
                new Destination("b", null, 1, true, 1, List.of("a", "b"), 3, false),
                new Destination("c", null, 1, true, 2, List.of("a", "b", "c"), 0, true));
        assertThat(trace.reason()).contains("now c");
    }

    @Test
    void shouldTakeTheLocalConsumerFirstWhenClosest() {
        a.localAdd(Address.plain("near/db"));
        a.applyPending(Integer.MAX_VALUE);
        advertise("b", Address.plain("near/db"));

        TraceReport trace = trace("near/db", Map.of());

        assertThat(trace.distribution()).isEqualTo("closest");
        assertThat(trace.destinations()).extracting(Destination::router, Destination::selected, Destination::path)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a", true, List.of("a")),
                        org.assertj.core.groups.Tuple.tuple("b", false, List.of("a", "b")));
        assertThat(trace.reason()).startsWith("closest: a local connector if there is one");
    }

    @Test
    void shouldNotSelectAConsumerNoPathReaches() {
        advertise("d", Address.plain("svc"));

        TraceReport trace = trace("svc", Map.of());

        assertThat(trace.destinations()).containsExactly(new Destination("d", null, 1, false, -1, List.of(), -1,
                false));
        assertThat(trace.reason()).endsWith("no destination is reachable now");
    }

    @Test
    void shouldCopyATopicToEverySubscriberAndOneMemberOfEachSharedGroup() {
        advertise("c", Address.topicFilter("sensors/#"), Address.sharedFilter("g", "sensors/+"));
        advertise("b", Address.sharedFilter("g", "sensors/+"));

        TraceReport trace = trace("sensors/t1", Map.of());

        assertThat(trace.kind()).isEqualTo("topic");
        assertThat(trace.distribution()).isEqualTo("multicast");
        assertThat(trace.destinations()).extracting(Destination::router, Destination::group, Destination::selected)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("c", null, true),
                        org.assertj.core.groups.Tuple.tuple("b", "g", true),
                        org.assertj.core.groups.Tuple.tuple("c", "g", false));
        assertThat(trace.reason()).contains("shared group 'g' (sensors/+): one copy");
    }

    @Test
    void shouldWeighCopiesInFlightForABalancedSharedGroup() {
        advertise("b", Address.sharedFilter("g", "jobs"));
        advertise("c", Address.sharedFilter("g", "jobs"));

        TraceReport trace = Tracer.trace("jobs", table, a.view(), 3, router -> 0,
                router -> router.equals("b") ? 5 : 0);

        assertThat(trace.destinations()).extracting(Destination::router, Destination::load, Destination::selected)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("b", 5L, false),
                        org.assertj.core.groups.Tuple.tuple("c", 0L, true));
        assertThat(TraceFormatter.format(trace)).contains("GROUP", "IN FLIGHT")
                .contains("->  c       g      1          2     0          a > b > c");
    }

    @Test
    void shouldSayWhenNobodyConsumes() {
        TraceReport trace = trace("nobody", Map.of());

        assertThat(trace.kind()).isEqualTo("none");
        assertThat(trace.destinations()).isEmpty();
        assertThat(trace.generation()).isEqualTo(3);
    }

    @Test
    void shouldPrintTheChosenDestinationWithItsPath() {
        advertise("c", Address.plain("svc"));

        String text = TraceFormatter.format(trace("svc", Map.of()));

        assertThat(text).startsWith("Trace of 'svc' from router a (service address, distribution balanced)\n")
                .contains("->  c       1          2     0     a > b > c\n");
    }
}
