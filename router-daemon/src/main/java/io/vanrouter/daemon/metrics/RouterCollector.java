package io.vanrouter.daemon.metrics;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.util.internal.PlatformDependent;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.vanrouter.core.RoutingCounters;
import io.vanrouter.core.address.AddressRoute;
import io.vanrouter.core.address.AddressSnapshotView;
import io.vanrouter.core.path.Route;
import io.vanrouter.core.path.RoutingTable;
import io.vanrouter.transport.CommandCounters;
import io.vanrouter.transport.CoreCommand;
import io.vanrouter.transport.LinkView;
import io.vanrouter.transport.adaptor.http.HttpAdaptor;
import io.vanrouter.transport.adaptor.http.HttpSiteView;
import io.vanrouter.transport.link.PeerTraffic;
import io.vanrouter.transport.link.TransportCounters;
import io.vanrouter.transport.adaptor.udp.UdpAddressCounters;
import io.vanrouter.transport.message.MessageCounters;
import io.vanrouter.transport.message.MessageRouter;
import io.vanrouter.transport.stream.StreamRouter;
import io.vanrouter.transport.stream.StreamTotals;
import io.vanrouter.transport.stream.StreamView;
import io.vanrouter.transport.wire.StreamResetCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The router's own metric families ({@code vanrouter_*}), built at each scrape from counters and immutable snapshots;
 * nothing here runs on the data path or queues work to the core. Label values that grow with traffic (addresses,
 * topics) are capped at {@link #ADDRESSES_MAX} per family, the rest summed under {@code (other)}.
 *
 * <p>Called on a management thread, one scrape at a time or several at once (it keeps no state).
 */
final class RouterCollector implements MultiCollector {
    /** Distinct addresses (or topics) per family; the rest are summed under {@link Family#OTHER}. */
    static final int ADDRESSES_MAX = 1_000;
    private static final double NANOS_PER_SECOND = 1e9;

    private final MetricSources sources;

    RouterCollector(MetricSources sources) {
        this.sources = sources;
    }

    @Override
    public MetricSnapshots collect() {
        List<Family> families = new ArrayList<>();
        links(families);
        routing(families);
        addresses(families);
        messages(families);
        tcp(families);
        http(families);
        mqtt(families);
        udp(families);
        amqp(families);
        process(families);
        List<MetricSnapshot> snapshots = new ArrayList<>(families.size() + 1);
        for (Family family : families) {
            snapshots.add(family.build(sources.routerId()));
        }
        snapshots.add(InfoSnapshot.builder().name("vanrouter_router").help("This router: id, network, version and"
                + " boot instance (value 1).").dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder()
                        .labels(Labels.of("router", sources.routerId(), "network", sources.network(), "version",
                                sources.version(), "instance", Long.toString(sources.instance())))
                        .build())
                .build());
        return new MetricSnapshots(snapshots);
    }

    private void links(List<Family> out) {
        Family state = Family.gauge("vanrouter_link_state", "Links and configured peers by state (active, "
                + "handshaking, connecting, backoff); peer is the router id, or host:port before a handshake.",
                "peer", "state");
        Family cost = Family.gauge("vanrouter_link_cost", "Agreed cost of each active link.", "peer");
        Family data = Family.gauge("vanrouter_link_data_connections", "Data connections beside each active link.",
                "peer");
        for (LinkView link : sources.transport().linkViews()) {
            String peer = link.peerId() != null ? link.peerId() : link.remote();
            state.add(1, peer, link.state());
            if ("active".equals(link.state())) {
                cost.add(link.cost(), peer);
                data.add(link.dataConnections(), peer);
            }
        }
        TransportCounters counters = sources.transport().counters();
        Family bytesIn = Family.counter("vanrouter_link_received_bytes", "Bytes read from each neighbour (links and "
                + "data connections, inside TLS).", "peer");
        Family bytesOut = Family.counter("vanrouter_link_sent_bytes", "Bytes written to each neighbour.", "peer");
        Family framesIn = Family.counter("vanrouter_link_received_frames", "Frames read from each neighbour after "
                + "the handshake.", "peer");
        Family framesOut = Family.counter("vanrouter_link_sent_frames", "Frames written to each neighbour after the "
                + "handshake.", "peer");
        for (Map.Entry<String, PeerTraffic.Totals> entry : counters.traffic().entrySet()) {
            PeerTraffic.Totals t = entry.getValue();
            bytesIn.add(t.bytesIn(), entry.getKey());
            bytesOut.add(t.bytesOut(), entry.getKey());
            framesIn.add(t.framesIn(), entry.getKey());
            framesOut.add(t.framesOut(), entry.getKey());
        }
        Family established = Family.counter("vanrouter_link_established", "Links to each neighbour that completed "
                + "their handshake; more than one means reconnects.", "peer");
        counters.linksEstablished().forEach((peer, n) -> established.add(n, peer));
        Family lost = Family.counter("vanrouter_link_lost", "Links to each neighbour that went down.", "peer");
        counters.linksEstablished().keySet().forEach(peer -> lost.add(0, peer)); // present from the first link up
        counters.linksLost().forEach((peer, n) -> lost.add(n, peer));
        Family refusedSent = Family.counter("vanrouter_link_refusals_sent", "Link handshakes this router refused, "
                + "by reason code.", "reason");
        counters.refusalsSentByReason().forEach((reason, n) -> refusedSent.add(n, reason));
        Family refusedReceived = Family.counter("vanrouter_link_refusals_received", "Link handshakes refused by the "
                + "peer, by reason code.", "reason");
        counters.refusalsReceivedByReason().forEach((reason, n) -> refusedReceived.add(n, reason));
        Family faults = Family.counter("vanrouter_link_faults", "Inter-router connections closed for a fault: "
                + "tls (handshake failed), garbage (not a vanrouter), slow_link (pending bytes past the limit).",
                "fault");
        faults.add(counters.tlsFailures(), "tls").add(counters.garbageConnections(), "garbage")
                .add(counters.slowLinkCloses(), "slow_link");
        out.addAll(List.of(state, cost, data, bytesIn, bytesOut, framesIn, framesOut, established, lost,
                refusedSent, refusedReceived, faults));
    }

    private void routing(List<Family> out) {
        RoutingCounters counters = sources.core().routingCounters();
        out.add(Family.counter("vanrouter_routing_spf_runs", "Shortest-path computations run.")
                .add(counters.spfRuns()));
        out.add(Family.counter("vanrouter_routing_spf_seconds", "Time spent in shortest-path computations.")
                .add(counters.spfNanos() / NANOS_PER_SECOND));
        out.add(Family.counter("vanrouter_routing_tables", "Routing tables published (routes changed).")
                .add(counters.tablesPublished()));
        out.add(Family.counter("vanrouter_routing_link_state_updates", "Link-state records received from "
                + "neighbours (new, refreshes and old copies).").add(counters.linkStateUpdatesReceived()));
        out.add(Family.counter("vanrouter_routing_link_state_changes", "Link-state records received that changed "
                + "the topology.").add(counters.linkStateChanges()));
        out.add(Family.counter("vanrouter_routing_link_state_originated", "Times this router re-originated its own "
                + "link state because its neighbours or costs changed.").add(counters.linkStateOriginated()));
        long convergence = counters.lastConvergenceNanos();
        out.add(Family.gauge("vanrouter_routing_convergence_seconds", "For the last routing table: from the first "
                + "change this router heard to the new table (-1 before the first).")
                .add(convergence < 0 ? -1 : convergence / NANOS_PER_SECOND));
        RoutingTable table = sources.core().routingTable();
        Family routeCost = Family.gauge("vanrouter_route_cost", "Cost of the best path to each reachable router.",
                "destination", "next_hop");
        for (Route route : table.routes().values()) {
            routeCost.add(route.cost(), route.destination(), route.nextHop());
        }
        out.add(routeCost);
        out.add(Family.gauge("vanrouter_routers_unreachable", "Routers known from link state but not reachable.")
                .add(table.unreachable().size()));
        CommandCounters commands = sources.core().commandCounters();
        Family rejected = Family.counter("vanrouter_core_commands_rejected", "Core commands dropped because the "
                + "core's queue was full, by type.", "type");
        Family failed = Family.counter("vanrouter_core_commands_failed", "Core commands that threw, by type.",
                "type");
        for (CoreCommand.Type type : CoreCommand.Type.values()) {
            rejected.add(commands.rejected(type), type.name());
            failed.add(commands.failed(type), type.name());
        }
        out.add(rejected);
        out.add(failed);
    }

    private void addresses(List<Family> out) {
        AddressSnapshotView view = sources.core().addressView();
        Family local = Family.gauge("vanrouter_address_local_consumers", "Consumers of each address at this router "
                + "(TCP connectors).", "address").cap("address", ADDRESSES_MAX);
        Family sites = Family.gauge("vanrouter_address_consumers", "Consumers of each address per router (site), "
                + "this one included, as this router knows them.", "address", "site")
                .cap("address", ADDRESSES_MAX);
        for (AddressRoute route : view.routes()) {
            local.add(route.localConsumers(), route.address());
            if (route.localConsumers() > 0) {
                sites.add(route.localConsumers(), route.address(), view.self());
            }
            route.remoteConsumers().forEach((site, n) -> sites.add(n, route.address(), site));
        }
        Family filters = Family.gauge("vanrouter_topic_filters", "MQTT topic filters known network-wide.");
        filters.add(view.topicFilters().size());
        out.addAll(List.of(local, sites, filters));
    }

    private void messages(List<Family> out) {
        MessageRouter router = sources.transport().messageRouter();
        Family in = Family.counter("vanrouter_address_messages_received", "Messages received per topic (from "
                + "clients or links).", "address").cap("address", ADDRESSES_MAX);
        Family sent = Family.counter("vanrouter_address_messages_sent", "Message copies sent on per topic (to "
                + "clients or links).", "address").cap("address", ADDRESSES_MAX);
        Family dropped = Family.counter("vanrouter_address_messages_dropped", "Messages dropped per topic.",
                "address").cap("address", ADDRESSES_MAX);
        Family drops = Family.counter("vanrouter_message_drops", "Messages dropped, by reason.", "reason");
        if (router != null) {
            MessageCounters counters = router.counters();
            for (MessageCounters.TopicCounts t : counters.topics()) {
                in.add(t.in(), t.topic());
                sent.add(t.out(), t.topic());
                dropped.add(t.dropped(), t.topic());
            }
            for (MessageCounters.Drop why : MessageCounters.Drop.values()) {
                drops.add(counters.drops(why), why.name());
            }
        }
        out.addAll(List.of(in, sent, dropped, drops));
    }

    /** Requests per address and connector site from this router's listeners, as in status (docs/adaptors.md). */
    private void http(List<Family> out) {
        Family requests = Family.counter("vanrouter_http_requests", "HTTP requests this router's listeners sent to a"
                + " connector site, by the response's status class (2xx..5xx) or 'failed' (no complete response).",
                "address", "site", "result").cap("address", ADDRESSES_MAX);
        Family latency = Family.gauge("vanrouter_http_request_latency_seconds", "Latency percentiles of completed "
                + "HTTP requests per address and site, from the request's head to the response's end (logarithmic "
                + "buckets, at most 19% high).", "address", "site", "quantile").cap("address", ADDRESSES_MAX);
        Family served = Family.counter("vanrouter_http_connector_requests", "HTTP requests this router's connectors "
                + "served.", "address").cap("address", ADDRESSES_MAX);
        Family bad = Family.counter("vanrouter_http_bad_requests", "Malformed HTTP requests refused by this router's"
                + " listeners.", "address").cap("address", ADDRESSES_MAX);
        HttpAdaptor http = sources.http();
        if (http != null) {
            Set<String> addresses = new TreeSet<>(http.counters().servedByAddress().keySet());
            for (HttpSiteView v : http.counters().views()) {
                addresses.add(v.address());
                requests.add(v.status2xx(), v.address(), v.site(), "2xx");
                requests.add(v.status3xx(), v.address(), v.site(), "3xx");
                requests.add(v.status4xx(), v.address(), v.site(), "4xx");
                requests.add(v.status5xx(), v.address(), v.site(), "5xx");
                requests.add(v.failed(), v.address(), v.site(), "failed");
                latency.add(v.p50Micros() / 1e6, v.address(), v.site(), "0.5");
                latency.add(v.p90Micros() / 1e6, v.address(), v.site(), "0.9");
                latency.add(v.p99Micros() / 1e6, v.address(), v.site(), "0.99");
            }
            for (String address : addresses) {
                served.add(http.counters().served(address), address);
                bad.add(http.counters().badRequests(address), address);
            }
        }
        out.addAll(List.of(requests, latency, served, bad));
    }

    private void tcp(List<Family> out) {
        Family accepted = Family.counter("vanrouter_tcp_connections_accepted", "Client connections accepted by "
                + "this router's listeners.", "address").cap("address", ADDRESSES_MAX);
        Family opened = Family.counter("vanrouter_tcp_connections_opened", "Of those, connections that reached a "
                + "server.", "address").cap("address", ADDRESSES_MAX);
        Family refused = Family.counter("vanrouter_tcp_connections_refused", "Client connections closed at once: no"
                + " reachable connector.", "address").cap("address", ADDRESSES_MAX);
        Family failed = Family.counter("vanrouter_tcp_connections_failed", "Client connections for which every "
                + "connector failed, or lost before opening.", "address").cap("address", ADDRESSES_MAX);
        Family served = Family.counter("vanrouter_tcp_connector_connections", "Connections this router's connectors"
                + " opened to their server.", "address").cap("address", ADDRESSES_MAX);
        Family serveFailed = Family.counter("vanrouter_tcp_connector_failures", "Connections this router's "
                + "connectors could not open.", "address").cap("address", ADDRESSES_MAX);
        if (sources.tcp() != null) {
            sources.tcp().counters().views().forEach(c -> {
                accepted.add(c.accepted(), c.address());
                opened.add(c.opened(), c.address());
                refused.add(c.refused(), c.address());
                failed.add(c.failed(), c.address());
                served.add(c.served(), c.address());
                serveFailed.add(c.serveFailed(), c.address());
            });
        }
        Family bytes = Family.counter("vanrouter_tcp_bytes", "Bytes carried by TCP streams per address, by this "
                + "router's role (listener, connector, transit) and direction (to_connector, to_listener).",
                "address", "role", "direction").cap("address", ADDRESSES_MAX);
        Family open = Family.gauge("vanrouter_tcp_connections_open", "Live streams per address, by role and by the "
                + "listener and connector sites.", "address", "role", "listener_site", "connector_site")
                .cap("address", ADDRESSES_MAX);
        Family resets = Family.counter("vanrouter_tcp_stream_resets", "Streams reset at this router, by code.",
                "code");
        Family spliced = Family.counter("vanrouter_tcp_streams_spliced", "Bulk streams whose bytes this router "
                + "spliced in the kernel after they moved to stream connections (docs/data-plane.md, section 7).");
        StreamRouter streams = sources.transport().streamRouter();
        if (streams != null) {
            for (Map.Entry<String, StreamTotals.Bytes> e : streams.totals().snapshot().entrySet()) {
                int split = e.getKey().indexOf('\u0000');
                String role = e.getKey().substring(0, split);
                String address = e.getKey().substring(split + 1);
                bytes.add(e.getValue().toConnector(), address, role, "to_connector");
                bytes.add(e.getValue().toListener(), address, role, "to_listener");
            }
            for (StreamView v : streams.views()) {
                bytes.add(v.bytesToConnector(), v.address(), v.role(), "to_connector");
                bytes.add(v.bytesToListener(), v.address(), v.role(), "to_listener");
                open.add(1, v.address(), v.role(), v.origin(), v.destination());
            }
            for (StreamResetCode code : StreamResetCode.values()) {
                resets.add(streams.resets().count(code), code.name());
            }
            spliced.add(streams.splicedStreams());
        }
        out.addAll(List.of(accepted, opened, refused, failed, served, serveFailed, bytes, open, resets, spliced));
    }

    private void udp(List<Family> out) {
        if (sources.udp() == null) {
            return;
        }
        Family flows = Family.counter("vanrouter_udp_flows", "UDP client flows this router's listeners started, "
                + "and the flows its connectors served.", "address", "role").cap("address", ADDRESSES_MAX);
        Family open = Family.gauge("vanrouter_udp_flows_open", "UDP client flows open or opening at this router's "
                + "listeners.", "address").cap("address", ADDRESSES_MAX);
        Family expired = Family.counter("vanrouter_udp_flows_expired", "UDP client flows ended after the idle "
                + "timeout.", "address").cap("address", ADDRESSES_MAX);
        Family datagrams = Family.counter("vanrouter_udp_datagrams", "Datagrams taken into the network (in) and "
                + "written to clients and servers (out).", "address", "direction").cap("address", ADDRESSES_MAX);
        Family dropped = Family.counter("vanrouter_udp_datagrams_dropped", "Datagrams dropped at this router, by "
                + "cause.", "address", "cause").cap("address", ADDRESSES_MAX);
        for (UdpAddressCounters c : sources.udp().counters().views()) {
            flows.add(c.flowsStarted(), c.address(), "listener");
            flows.add(c.flowsServed(), c.address(), "connector");
            open.add(c.flowsOpen(), c.address());
            expired.add(c.flowsExpired(), c.address());
            datagrams.add(c.datagramsIn(), c.address(), "in");
            datagrams.add(c.datagramsOut(), c.address(), "out");
            dropped.add(c.droppedCongested(), c.address(), "congested");
            dropped.add(c.droppedNoConnector(), c.address(), "no_connector");
            dropped.add(c.droppedFlowLimit(), c.address(), "flow_limit");
            dropped.add(c.droppedSocketBusy(), c.address(), "socket_busy");
            dropped.add(c.droppedTooLarge(), c.address(), "too_large");
        }
        out.addAll(List.of(flows, open, expired, datagrams, dropped));
    }

    private void amqp(List<Family> out) {
        if (sources.amqp() == null) {
            return;
        }
        var a = sources.amqp();
        var c = a.counters().snapshot();
        out.add(Family.gauge("vanrouter_amqp_connections_open", "AMQP connections open now.")
                .add(c.get("connectionsOpen")));
        out.add(Family.gauge("vanrouter_amqp_receivers", "AMQP receiver links attached now.").add(a.receivers()));
        out.add(Family.counter("vanrouter_amqp_connections", "AMQP connections accepted.")
                .add(c.get("connectionsOpened")));
        out.add(Family.counter("vanrouter_amqp_protocol_errors", "AMQP connections closed for bad input (not AMQP, "
                + "a bad frame, a protocol violation).").add(c.get("protocolErrors")));
        out.add(Family.counter("vanrouter_amqp_authentication_failures", "AMQP SASL exchanges refused (mechanism, "
                + "user, password).").add(c.get("authenticationFailures")));
        out.add(Family.counter("vanrouter_amqp_links_refused", "AMQP links refused (no address, dynamic, "
                + "wildcards in a sender's address, transactions).").add(c.get("linksRefused")));
        out.add(Family.counter("vanrouter_amqp_messages_received", "Messages received from AMQP senders.")
                .add(c.get("messagesIn")));
        out.add(Family.counter("vanrouter_amqp_messages_delivered", "Messages sent to AMQP receivers.")
                .add(c.get("messagesOut")));
        Family outcomes = Family.counter("vanrouter_amqp_outcomes", "Outcomes the router gave AMQP senders: "
                + "accepted (a receiver took it), released (none did; the client may resend), rejected (bad message).",
                "outcome");
        outcomes.add(c.get("accepted"), "accepted").add(c.get("released"), "released")
                .add(c.get("rejected"), "rejected");
        out.add(outcomes);
        out.add(Family.counter("vanrouter_amqp_receiver_drops", "Copies dropped at a full AMQP receiver queue.")
                .add(c.get("receiverDrops")));
    }

    private void mqtt(List<Family> out) {
        if (sources.mqtt() == null) {
            return;
        }
        var m = sources.mqtt();
        var c = m.counters();
        out.add(Family.gauge("vanrouter_mqtt_clients", "MQTT clients connected now.").add(m.connectedClients()));
        out.add(Family.gauge("vanrouter_mqtt_subscriptions", "Subscriptions of connected clients.")
                .add(m.subscriptions()));
        out.add(Family.gauge("vanrouter_mqtt_qos1_in_flight", "QoS 1 deliveries written to clients and not yet "
                + "acknowledged.").add(m.qos1InFlight()));
        out.add(Family.counter("vanrouter_mqtt_connections", "CONNECTs accepted.").add(c.connections()));
        out.add(Family.counter("vanrouter_mqtt_connections_refused", "CONNECTs refused (authentication failures "
                + "included).").add(c.refused()));
        out.add(Family.counter("vanrouter_mqtt_authentication_failures", "CONNECTs refused for an unknown user or a "
                + "wrong password.").add(c.authenticationFailures()));
        out.add(Family.counter("vanrouter_mqtt_messages_received", "PUBLISH packets accepted from clients.")
                .add(c.publishesIn()));
        out.add(Family.counter("vanrouter_mqtt_messages_delivered", "PUBLISH packets written to clients.")
                .add(c.deliveries()));
        Family refusals = Family.counter("vanrouter_mqtt_refusals", "Packets refused: publish (topic not allowed to"
                + " the user), subscribe (filter not allowed), too_large (would not fit a link frame), bad_packet.",
                "kind");
        refusals.add(c.publishesRefused(), "publish").add(c.subscriptionsRefused(), "subscribe")
                .add(c.tooLargeForLinks(), "too_large").add(c.badPackets(), "bad_packet");
        out.add(refusals);
        out.add(Family.counter("vanrouter_mqtt_queue_drops", "Messages dropped at a subscriber's queue cap.")
                .add(c.queueDrops()));
        out.add(Family.counter("vanrouter_mqtt_publisher_pauses", "Times a publisher was paused for congested "
                + "subscribers.").add(c.publisherPauses()));
        out.add(Family.counter("vanrouter_mqtt_slow_subscribers", "Subscribers congested past the stall limit.")
                .add(c.slowSubscribers()));
        out.add(Family.counter("vanrouter_mqtt_keep_alive_timeouts", "Clients disconnected for silence past 1.5x "
                + "their keep-alive.").add(c.keepAliveTimeouts()));
        out.add(Family.counter("vanrouter_mqtt_wills_sent", "Will messages published.").add(c.willsSent()));
    }

    private void process(List<Family> out) {
        out.add(Family.gauge("vanrouter_uptime_seconds", "Time since this router started.")
                .add((System.currentTimeMillis() - sources.startedMillis()) / 1e3));
        Family allocator = Family.gauge("vanrouter_netty_allocator_bytes", "Memory of Netty's buffer allocator "
                + "(buffers in use plus chunks kept for reuse), by kind (direct, heap).", "kind");
        if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider) {
            allocator.add(provider.metric().usedDirectMemory(), "direct")
                    .add(provider.metric().usedHeapMemory(), "heap");
        }
        out.add(allocator);
        out.add(Family.gauge("vanrouter_netty_direct_bytes", "Direct memory Netty allocated without a cleaner (-1 "
                + "when Netty does not count it); the JDK's own pool is jvm_buffer_pool_used_bytes.")
                .add(PlatformDependent.usedDirectMemory()));
        MetricSources.FlowLogCounts flows = sources.flowLog();
        if (flows != null) {
            out.add(Family.counter("vanrouter_flow_log_records", "Flow records written.")
                    .add(flows.written().getAsLong()));
            out.add(Family.counter("vanrouter_flow_log_dropped", "Flow records dropped because the flow log's queue "
                    + "was full.").add(flows.dropped().getAsLong()));
        }
    }
}
