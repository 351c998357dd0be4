package io.vanrouter.daemon.mgmt;

import java.util.List;

/**
 * The whole network as one router sees it now, for {@code GET /topology}, {@code vanrouter status --network|--graph}
 * and the topology page: every router in the link-state database and every link a router advertises, with both
 * ends' costs. Field names are part of the management API: add, never rename.
 *
 * @param router     the router that answered
 * @param generation its forwarding generation (grows with every routing or address change)
 */
public record TopologyReport(String router, String network, long generation, List<Router> routers,
        List<Link> links) {

    public TopologyReport {
        routers = routers == null ? List.of() : List.copyOf(routers);
        links = links == null ? List.of() : List.copyOf(links);
    }

    /**
     * A router: {@code cost} and {@code path} from the answering router (-1 and empty when unreachable), and the
     * addresses it has consumers of.
     */
    public record Router(String id, boolean self, boolean reachable, long cost, List<String> path,
            List<String> addresses) {
    }

    /**
     * A link between routers {@code a} and {@code b} (a &lt; b by id). {@code costAb} is the cost {@code a} advertises
     * for it, {@code costBa} the cost {@code b} does (-1 when that side does not list it). {@code state}: {@code up}
     * (both list each other and both are reachable), {@code one-way} (only one lists the other), {@code down} (an
     * end is unreachable, or a configured peer of the answering router has no link).
     */
    public record Link(String a, String b, long costAb, long costBa, String state) {
    }
}
