package io.vanrouter.daemon;

import io.vanrouter.daemon.mgmt.ManagementServer;
import io.vanrouter.daemon.mgmt.StatusJson;
import io.vanrouter.daemon.mgmt.StatusReport;
import io.vanrouter.daemon.mgmt.TopologyBuilder;
import io.vanrouter.daemon.mgmt.TopologyPage;
import io.vanrouter.daemon.mgmt.Tracer;
import io.vanrouter.transport.adaptor.ForwardingView;
import io.vanrouter.transport.stream.StreamView;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The operator's views on the management endpoint beside {@code /status}:
 * <ul>
 * <li>{@code GET /topology}: {@link io.vanrouter.daemon.mgmt.TopologyReport} as JSON (every router's links)</li>
 * <li>{@code GET /trace?address=A}: {@link io.vanrouter.daemon.mgmt.TraceReport} as JSON, from the published
 * forwarding snapshot (no core query)</li>
 * <li>{@code GET /ui}: the topology page (static HTML; it fetches {@code /topology} with the token from its URL
 * fragment, so the page itself is served without one)</li>
 * </ul>
 * Management threads.
 */
final class OpsRoutes {
    private OpsRoutes() {
    }

    static void install(ManagementServer management, RouterDaemon daemon) {
        management.serve("/topology", "application/json", false, query -> topology(daemon));
        management.serve("/trace", "application/json", false, query -> trace(daemon, query));
        management.serve("/ui", "text/html; charset=utf-8", true, query -> TopologyPage.html());
    }

    private static String topology(RouterDaemon daemon) {
        ForwardingView forwarding = daemon.forwarding();
        StatusReport status;
        try {
            status = daemon.status().get(ManagementServer.STATUS_TIMEOUT_DEFAULT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("status not available: " + e, e);
        }
        return StatusJson.write(TopologyBuilder.build(forwarding.routes(), forwarding.generation(), status));
    }

    private static String trace(RouterDaemon daemon, Map<String, String> query) {
        String address = query.get("address");
        if (address == null || address.isEmpty()) {
            throw new IllegalArgumentException("give the address: /trace?address=NAME");
        }
        ForwardingView forwarding = daemon.forwarding();
        List<StreamView> streams = daemon.streamViews();
        return StatusJson.write(Tracer.trace(address, forwarding.routes(), forwarding.addresses(),
                forwarding.generation(), router -> streams.stream()
                        .filter(s -> "listener".equals(s.role()) && address.equals(s.address())
                                && router.equals(s.destination()) && !"closed".equals(s.state()))
                        .count(), daemon::messagesInFlight));
    }
}
