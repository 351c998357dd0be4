package io.vanrouter.daemon;

import io.vanrouter.daemon.mgmt.Readiness;
import io.vanrouter.transport.LinkView;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code GET /readyz} answers for a router: ready once it started and while every configured listener
 * (inter-router, TCP, MQTT) is bound and it is not shutting down. Configured peers never make it unready: the router
 * dials each one forever with backoff, so a peer is always either linked or being retried; the answer counts both.
 *
 * <p>A pure function of what the daemon passes in; any thread.
 */
final class RouterReadiness {
    private RouterReadiness() {
    }

    /**
     * @param state          {@code starting}, {@code running} or {@code shutting down}
     * @param listenWanted   inter-router listeners configured
     * @param listenBound    inter-router listeners bound now
     * @param tcpWanted      TCP adaptor listeners configured
     * @param tcpBound       TCP adaptor listeners bound now (an unbound one may be null in the list)
     * @param mqttWanted     whether an MQTT listener is configured
     * @param mqttBound      the MQTT listener's address, or null when not bound
     * @param links          the transport's links and configured peers
     */
    static Readiness check(String state, int listenWanted, List<InetSocketAddress> listenBound, int tcpWanted,
            List<InetSocketAddress> tcpBound, boolean mqttWanted, InetSocketAddress mqttBound,
            List<LinkView> links) {
        Map<String, Object> details = new LinkedHashMap<>();
        long up = links.stream().filter(l -> "active".equals(l.state())).count();
        details.put("state", state);
        details.put("linksUp", up);
        details.put("peersRetrying", links.stream().filter(l -> l.linkId() < 0).count());
        if (!"running".equals(state)) {
            return Readiness.notReady(state, details);
        }
        if (listenBound.size() < listenWanted) {
            return Readiness.notReady((listenWanted - listenBound.size()) + " of " + listenWanted
                    + " inter-router listener(s) not bound", details);
        }
        long tcp = tcpBound.stream().filter(a -> a != null).count();
        if (tcp < tcpWanted) {
            return Readiness.notReady((tcpWanted - tcp) + " of " + tcpWanted + " TCP listener(s) not bound",
                    details);
        }
        if (mqttWanted && mqttBound == null) {
            return Readiness.notReady("MQTT listener not bound", details);
        }
        return Readiness.ready(details);
    }
}
