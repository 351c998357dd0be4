package io.vanrouter.daemon;

import io.vanrouter.core.address.Address;
import io.vanrouter.core.address.AddressRoute;
import io.vanrouter.core.address.AddressSnapshotView;
import io.vanrouter.core.status.NeighborView;
import io.vanrouter.core.status.RouterView;
import io.vanrouter.daemon.config.ConfigException;
import io.vanrouter.daemon.config.ConfigLoader;
import io.vanrouter.daemon.config.MqttUsersFile;
import io.vanrouter.daemon.config.RouterConfig;
import io.vanrouter.daemon.flowlog.FlowLog;
import io.vanrouter.daemon.metrics.MetricSources;
import io.vanrouter.daemon.metrics.RouterMetrics;
import io.vanrouter.daemon.mgmt.BearerToken;
import io.vanrouter.daemon.mgmt.ManagementServer;
import io.vanrouter.daemon.mgmt.ReloadOutcome;
import io.vanrouter.daemon.mgmt.Readiness;
import io.vanrouter.daemon.mgmt.StatusReport;
import io.vanrouter.daemon.security.TlsSettings;
import io.vanrouter.transport.CoreLoop;
import io.vanrouter.transport.LinkView;
import io.vanrouter.transport.TransportServer;
import io.vanrouter.transport.adaptor.ForwardingView;
import io.vanrouter.transport.adaptor.ProtocolAdaptor;
import io.vanrouter.transport.adaptor.amqp.AmqpAdaptor;
import io.vanrouter.transport.adaptor.mqtt.MqttAdaptor;
import io.vanrouter.transport.adaptor.tcp.TcpAdaptor;
import io.vanrouter.transport.adaptor.tcp.TcpAddressCounters;
import io.vanrouter.transport.adaptor.http.HttpAdaptor;
import io.vanrouter.transport.adaptor.http.HttpCounters;
import io.vanrouter.transport.adaptor.http.HttpSiteView;
import io.vanrouter.transport.adaptor.udp.UdpAdaptor;
import io.vanrouter.transport.adaptor.udp.UdpAddressCounters;
import io.vanrouter.transport.message.MessageRouter;
import io.vanrouter.transport.netty.Errors;
import io.vanrouter.transport.stream.StreamView;
import io.vanrouter.transport.tls.LinkTls;
import io.vanrouter.transport.tls.ServerTls;
import io.vanrouter.transport.tls.TlsException;
import io.vanrouter.transport.tls.TlsFiles;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root of one router: core thread, transport with the protocol adaptors the configuration asks for,
 * management endpoint. Built, started, awaited and closed in reverse order. Several can run in one JVM (the demo,
 * tests).
 *
 * <p>Any thread.
 */
public final class RouterDaemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("vanrouter.daemon");

    private volatile RouterConfig config;
    private volatile long configGeneration = 1;
    private final long instance;
    private final long startedMillis;
    private final TransportServer transport;
    /** The event loops and management threads shared with the other routers of this JVM, or null. */
    private final SharedResources shared;
    private final CoreLoop core;
    /** Null when the configuration has no TCP listener or connector. */
    private volatile TcpAdaptor tcp;
    /** Null without a {@code udp:} section; changes need a restart. */
    private final UdpAdaptor udp;
    /** Null without an {@code http:} section; changes need a restart. */
    private final HttpAdaptor http;
    /** Null without an {@code amqp:} section; changes need a restart. */
    private final AmqpAdaptor amqp;
    /** Null when the configuration has no {@code mqtt:} section. */
    private volatile MqttAdaptor mqtt;
    private ManagementServer management;
    /** Null when the configuration has no {@code flowLog:} section. */
    private FlowLog flowLog;
    private volatile boolean running;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch terminated = new CountDownLatch(1);

    private RouterDaemon(RouterConfig config, long instance, LinkTls linkTls, ServerTls mqttTls,
            SharedResources shared) {
        this.config = config;
        this.shared = shared;
        this.instance = instance;
        this.startedMillis = System.currentTimeMillis();
        this.transport = new TransportServer(config.transportSettings(instance))
                .dataConnections(config.routing().dataConnections())
                .ioThreads(config.routing().ioThreads())
                .spliceAfterBytes(config.routing().spliceAfterBytes())
                .spliceAfterReads(config.routing().spliceAfterReads())
                .linkTls(linkTls);
        if (shared != null) {
            transport.loops(shared.loops());
        }
        this.core = new CoreLoop(config.coreSettings(instance), config.addressRules(), transport.controlSender());
        boolean hasTcp = !config.tcpListeners().isEmpty() || !config.tcpConnectors().isEmpty();
        this.tcp = hasTcp ? new TcpAdaptor(config.tcpSettings()) : null;
        boolean hasUdp = !config.udp().listeners().isEmpty() || !config.udp().connectors().isEmpty();
        this.udp = hasUdp ? new UdpAdaptor(config.udp()) : null;
        boolean hasHttp = !config.http().listeners().isEmpty() || !config.http().connectors().isEmpty();
        this.http = hasHttp ? new HttpAdaptor(config.http()) : null;
        this.amqp = config.amqp() == null ? null : amqpAdaptor(config);
        this.mqtt = config.mqtt() == null ? null : mqttAdaptor(config.mqtt(), mqttTls);
    }

    /** Builds and starts a router; throws with a clear message when a port cannot be bound. */
    public static RouterDaemon start(RouterConfig config) throws Exception {
        return start(config, null);
    }

    /**
     * Builds and starts a router on {@code shared} event loops and management threads (the routers of one JVM share
     * them; null: its own); throws with a clear message when a port cannot be bound.
     */
    public static RouterDaemon start(RouterConfig config, SharedResources shared) throws Exception {
        RouterDaemon daemon = new RouterDaemon(config, newInstanceId(), linkTls(config), mqttTls(config), shared);
        try {
            daemon.startAll();
        } catch (Exception e) {
            daemon.close();
            throw e;
        }
        return daemon;
    }

    /** The AMQP adaptor; with {@code saslPlain} it checks passwords against the MQTT users file. */
    private static AmqpAdaptor amqpAdaptor(RouterConfig config) {
        AmqpAdaptor adaptor = new AmqpAdaptor(config.amqp());
        Path users = config.amqp().saslPlain() ? config.mqtt().users() : null;
        return users == null ? adaptor : adaptor.users(users, () -> MqttUsersFile.load(users));
    }

    private static MqttAdaptor mqttAdaptor(RouterConfig.MqttConfig mqtt, ServerTls tls) {
        MqttAdaptor adaptor = new MqttAdaptor(mqtt.settings()).tls(tls);
        Path users = mqtt.users();
        return users == null ? adaptor : adaptor.users(users, () -> MqttUsersFile.load(users));
    }

    /** The MQTT listener's TLS, or null for plain MQTT. */
    private static ServerTls mqttTls(RouterConfig config) throws TlsException {
        RouterConfig.MqttConfig mqtt = config.mqtt();
        if (mqtt == null || mqtt.tls() == null) {
            return null;
        }
        return ServerTls.load(mqtt.tls().cert(), mqtt.tls().key(), mqtt.tls().clientCa());
    }

    /** The link credentials the configuration names, read now; null for {@code tls: {insecure: true}}. */
    private static LinkTls linkTls(RouterConfig config) throws TlsException {
        TlsSettings tls = config.tls();
        if (tls == null || tls.insecure()) {
            LOG.warn("[{}] links are plain TCP (tls: insecure): anyone who reaches a listener can join the network"
                    + " and read its traffic; see docs/security.md", config.routerId());
            return null;
        }
        return LinkTls.load(config.routerId(), new TlsFiles(tls.ca(), tls.cert(), tls.key(), tls.crl()));
    }

    /**
     * A boot id that grows across restarts of the same router: wall-clock millis, bumped past the previous value so
     * two routers started in the same millisecond in one JVM still differ.
     */
    private static long newInstanceId() {
        return InstanceIds.next();
    }

    private void startAll() throws Exception {
        config.logging().apply(routerId());
        if (config.flowLog() != null) {
            flowLog = new FlowLog(routerId(), config.flowLog());
            transport.streamFlows(flowLog::tcp);
            if (mqtt != null) {
                mqtt.flows(flowLog::mqtt);
            }
        }
        core.start();
        transport.start(core, adaptors());
        if (config.management().enabled()) {
            Path tokenFile = config.management().tokenFile();
            management = new ManagementServer(config.management().host(), config.management().port(), this::status,
                    ManagementServer.STATUS_TIMEOUT_DEFAULT, tokenFile == null ? null : BearerToken.read(tokenFile),
                    shared == null ? null : shared.managementExecutor());
            management.reloads(this::reload);
            OpsRoutes.install(management, this);
            RouterMetrics metrics = new RouterMetrics(metricSources());
            management.metrics(RouterMetrics.CONTENT_TYPE, metrics::write).readiness(this::readiness);
        }
        running = true;
        LOG.info("[{}] router started: network {}, instance {}, listening on {}, {} peer(s), management {}",
                routerId(), config.network(), instance, transport.boundAddresses(), config.peers().size(),
                management == null ? "disabled" : management.address());
    }

    private MetricSources metricSources() {
        FlowLog flows = flowLog;
        return new MetricSources(routerId(), config.network(), Version.current(), instance, startedMillis, transport,
                core, tcp, mqtt, udp, flows == null ? null : new MetricSources.FlowLogCounts(flows::written,
                        flows::dropped), http, amqp);
    }

    /** What {@code GET /readyz} answers now. Any thread. */
    Readiness readiness() {
        String state = closed.get() ? "shutting down" : running ? "running" : "starting";
        return RouterReadiness.check(state, config.listen().size(), transport.boundAddresses(),
                config.tcpListeners().size(), tcpListenerAddresses(), mqtt != null, mqttAddress(),
                transport.linkViews());
    }

    /** The configured adaptors, in start order (the transport closes them in reverse). */
    private List<ProtocolAdaptor> adaptors() {
        List<ProtocolAdaptor> adaptors = new ArrayList<>(2);
        if (tcp != null) {
            adaptors.add(tcp);
        }
        if (udp != null) {
            adaptors.add(udp);
        }
        if (http != null) {
            adaptors.add(http);
        }
        if (mqtt != null) {
            adaptors.add(mqtt);
        }
        if (amqp != null) {
            adaptors.add(amqp);
        }
        return adaptors;
    }

    public String routerId() {
        return config.routerId();
    }

    public RouterConfig config() {
        return config;
    }

    /** 1 at start, one more for each reload that was applied. */
    public long configGeneration() {
        return configGeneration;
    }

    /**
     * Reads the configuration file again and applies what changed (peers, listeners, costs, TCP listeners and
     * connectors, address rules, MQTT, link TLS files) without touching the links, streams and sessions the change
     * does not name. A file with problems, or one that changes what needs a restart, is rejected whole and the live
     * configuration stays. One reload at a time; any thread.
     */
    public synchronized ReloadOutcome reload() {
        Path file = config.source();
        if (file == null || closed.get()) {
            return rejected(file == null ? "this router was not started from a file" : "the router is stopping",
                    List.of());
        }
        RouterConfig next;
        try {
            next = ConfigLoader.loadAndCheckFiles(file, Instant.now());
        } catch (ConfigException e) {
            return rejected(e.problems().size() + " problem(s) in " + file, e.problems().stream()
                    .map(p -> p.format(file)).toList());
        }
        String restart = ConfigReload.needsRestart(config, next);
        if (restart != null) {
            return rejected(restart, List.of());
        }
        ConfigReload.Plan plan;
        try {
            plan = ConfigReload.Plan.prepare(config, next, transport, tcp, transport.linkTls());
        } catch (IOException | TlsException e) {
            return rejected(e.getMessage(), List.of());
        }
        String summary = plan.describe(config);
        try {
            apply(plan);
        } catch (Exception e) {
            LOG.error("[{}] configuration reload from {} failed part way: {}; generation {} is live with what was "
                    + "applied before the failure", routerId(), file, Errors.describe(e),
                    configGeneration + 1, e);
            config = next;
            configGeneration++;
            return new ReloadOutcome(false, configGeneration, "failed part way: " + Errors.describe(e),
                    List.of());
        }
        config = next;
        configGeneration++;
        LOG.info("[{}] configuration reloaded from {} (generation {}): {}", routerId(), file, configGeneration,
                summary);
        return new ReloadOutcome(true, configGeneration, summary, List.of());
    }

    private ReloadOutcome rejected(String why, List<String> problems) {
        LOG.warn("[{}] configuration reload rejected, generation {} stays live: {}{}", routerId(), configGeneration,
                why, problems.isEmpty() ? "" : "; " + String.join("; ", problems));
        return new ReloadOutcome(false, configGeneration, why, problems);
    }

    private void apply(ConfigReload.Plan plan) throws Exception {
        RouterConfig next = plan.next;
        if (plan.linkFiles != null) {
            transport.linkTls().useFiles(plan.linkFiles);
        }
        plan.links.apply();
        if (plan.tcp != null) {
            plan.tcp.apply();
        } else if (!next.tcpListeners().isEmpty() || !next.tcpConnectors().isEmpty()) {
            TcpAdaptor started = new TcpAdaptor(next.tcpSettings());
            transport.replaceAdaptor(null, started);
            tcp = started;
        }
        if (plan.rulesChanged) {
            core.submitAddressRules(next.addressRules());
        }
        if (plan.loggingChanged) {
            next.logging().apply(routerId());
        }
        if (plan.mqttChanged) {
            MqttAdaptor old = mqtt;
            if (next.mqtt() == null) {
                transport.removeAdaptor(old);
                mqtt = null;
            } else {
                MqttAdaptor replacement = mqttAdaptor(next.mqtt(), mqttTls(next));
                mqtt = replacement;
                transport.replaceAdaptor(old, replacement);
            }
        }
    }

    /** Where the management endpoint listens, or null when it is disabled. */
    public InetSocketAddress managementAddress() {
        return management == null ? null : management.address();
    }

    /** Where the MQTT listener is bound, or null when there is none. */
    public InetSocketAddress mqttAddress() {
        return mqtt == null ? null : mqtt.boundAddress();
    }

    /** Bound inter-router listener addresses. */
    public List<InetSocketAddress> listenAddresses() {
        return transport.boundAddresses();
    }

    /** Bound TCP adaptor listener addresses, in configuration order (useful with port 0). */
    public List<InetSocketAddress> tcpListenerAddresses() {
        return tcp == null ? List.of() : tcp.listenerAddresses();
    }

    /** The routing table and address view the data plane reads now: immutable, any thread, lock-free. */
    public ForwardingView forwarding() {
        return core.forwarding();
    }

    /** Live TCP streams at this router (any thread). */
    public List<StreamView> streamViews() {
        return transport.streamViews();
    }

    /** MQTT anycast copies sent toward {@code router} and not settled yet; -1 without MQTT (any thread). */
    public long messagesInFlight(String router) {
        MessageRouter messages = transport.messageRouter();
        return messages == null ? -1 : messages.anycastInFlight(router);
    }

    /** A status snapshot, as the management endpoint serves it. */
    public CompletableFuture<StatusReport> status() {
        return core.queryView().thenApply(view -> report(view, transport.linkViews()));
    }

    private StatusReport report(RouterView view, List<LinkView> links) {
        List<StatusReport.Node> nodes = view.nodes().stream()
                .map(n -> new StatusReport.Node(n.routerId(), n.nextHop(), n.cost(), n.hops(), n.reachable(),
                        n.instance(), n.linkStateSequence(), n.linkStateAgeMillis(), n.routeAgeMillis()))
                .toList();
        Map<Long, NeighborView> neighbors = view.neighbors().stream()
                .collect(Collectors.toMap(NeighborView::linkId, Function.identity(), (a, b) -> a));
        List<StatusReport.Link> linkRows = links.stream().map(l -> {
            NeighborView n = neighbors.get(l.linkId());
            String state = l.state();
            if (n != null && "active".equals(state)) {
                state = switch (n.state()) {
                    case "two-way" -> "up";
                    case "edge", "uplink", "uplink (active)" -> n.state(); // edge links never enter link state
                    default -> "init";
                };
            }
            return new StatusReport.Link(l.linkId(), l.peerId(), state, l.cost(), l.dataConnections(),
                    l.direction(), l.remote(),
                    l.ageMillis(), n == null ? -1 : n.lastHelloAgeMillis(), l.lastError());
        }).toList();
        return new StatusReport(view.routerId(), config.network(), config.mode().name().toLowerCase(), instance,
                Version.current(), System.currentTimeMillis() - startedMillis, nodes, linkRows,
                addresses(core.addressView()), topics(), connections(), tcpCounters(), linkSecurity(),
                configGeneration, udpCounters(), httpCounters(), amqp == null ? null
                        : new StatusReport.AmqpCounters(amqp.receivers(), amqp.counters().snapshot()),
                view.neighboursAgeMillis());
    }

    private String linkSecurity() {
        LinkTls tls = transport.linkTls();
        return tls == null ? "plain (tls: insecure)" : "TLS 1.3, " + tls.providerName();
    }

    private List<StatusReport.Topic> topics() {
        MessageRouter router = transport.messageRouter();
        if (router == null) {
            return List.of();
        }
        return router.counters().topics().stream()
                .map(t -> new StatusReport.Topic(t.topic(), t.in(), t.out(), t.dropped())).toList();
    }

    private static List<StatusReport.Address> addresses(AddressSnapshotView view) {
        List<StatusReport.Address> rows = new ArrayList<>();
        for (AddressRoute route : view.routes()) {
            rows.add(new StatusReport.Address(route.address(), route.distribution().name().toLowerCase(),
                    route.localConsumers(), List.copyOf(route.remoteConsumers().keySet())));
        }
        // Every topic filter known network-wide, local or not: one row per filter for plain subscriptions and one per
        // shared group, each with this router's subscriber count and the other routers holding it.
        view.topicFilters().forEach(match -> {
            Map<String, Integer> localByGroup = new TreeMap<>();
            Map<String, SortedSet<String>> remoteByGroup = new TreeMap<>();
            match.subscribers().forEach((subscriber, count) -> {
                String group = subscriber.group() == null ? "" : subscriber.group();
                SortedSet<String> remote = remoteByGroup.computeIfAbsent(group, g -> new TreeSet<>());
                if (subscriber.router().equals(view.self())) {
                    localByGroup.merge(group, count, Integer::sum);
                } else {
                    remote.add(subscriber.router());
                }
            });
            remoteByGroup.forEach((group, remote) -> {
                Address address = group.isEmpty() ? Address.topicFilter(match.filter())
                        : Address.sharedFilter(group, match.filter());
                rows.add(new StatusReport.Address(address.toString(), group.isEmpty() ? "multicast" : "shared",
                        localByGroup.getOrDefault(group, 0), List.copyOf(remote)));
            });
        });
        rows.sort(Comparator.comparing(StatusReport.Address::address));
        return rows;
    }

    private List<StatusReport.Connection> connections() {
        return transport.streamViews().stream()
                .map(v -> new StatusReport.Connection(v.serial(), v.role(), v.address(), v.origin(), v.destination(),
                        v.state(), v.bytesToConnector(), v.bytesToListener(), v.bufferedBytes(), v.ageMillis(),
                        v.ends()))
                .toList();
    }

    private List<StatusReport.TcpCounters> tcpCounters() {
        List<TcpAddressCounters> counters = tcp == null ? List.of() : tcp.counters().views();
        return counters.stream()
                .map(c -> new StatusReport.TcpCounters(c.address(), c.accepted(), c.opened(), c.refused(),
                        c.failed(), c.served(), c.serveFailed(), c.tlsRefused(), c.tlsFailed()))
                .toList();
    }

    private List<StatusReport.UdpCounters> udpCounters() {
        List<UdpAddressCounters> counters = udp == null ? List.of() : udp.counters().views();
        return counters.stream()
                .map(c -> new StatusReport.UdpCounters(c.address(), c.flowsStarted(), c.flowsOpen(),
                        c.flowsExpired(), c.flowsServed(), c.datagramsIn(), c.datagramsOut(), c.droppedCongested(),
                        c.droppedNoConnector(), c.droppedFlowLimit(), c.droppedSocketBusy(), c.droppedTooLarge()))
                .toList();
    }

    /** HTTP requests per address and site from this router's listeners, and what its connectors served. */
    private List<StatusReport.HttpCounters> httpCounters() {
        if (http == null) {
            return List.of();
        }
        HttpCounters counters = http.counters();
        List<StatusReport.HttpCounters> rows = new ArrayList<>();
        Set<String> listed = new HashSet<>();
        for (HttpSiteView v : counters.views()) {
            listed.add(v.address());
            rows.add(new StatusReport.HttpCounters(v.address(), v.site(), v.requests(), v.status2xx(),
                    v.status3xx(), v.status4xx(), v.status5xx(), v.failed(), v.p50Micros(), v.p90Micros(),
                    v.p99Micros(), counters.served(v.address()), counters.badRequests(v.address())));
        }
        counters.servedByAddress().forEach((address, served) -> {
            if (!listed.contains(address)) { // a connector-only address: one row without a site
                rows.add(new StatusReport.HttpCounters(address, "-", 0, 0, 0, 0, 0, 0, 0, 0, 0, served,
                        counters.badRequests(address)));
            }
        });
        return rows;
    }

    /** Bound addresses of the HTTP listeners, in configuration order (useful with port 0). */
    public List<InetSocketAddress> httpListenerAddresses() {
        return http == null ? List.of() : http.listenerAddresses();
    }

    /** Bound addresses of the UDP listeners, in configuration order (useful with port 0). */
    public List<InetSocketAddress> udpListenerAddresses() {
        return udp == null ? List.of() : udp.listenerAddresses();
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitTermination() throws InterruptedException {
        terminated.await();
    }

    /** Closes links with a reason, stops listeners and the core. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LOG.info("[{}] router shutting down", routerId());
        try {
            transport.close(); // adaptors stop accepting, then streams are reset and links closed
            core.close();
            if (flowLog != null) {
                flowLog.close(); // after the transport: the streams and sessions it ended are logged too
            }
        } finally {
            if (management != null) {
                management.close(); // last: until here /readyz answers 503 "shutting down"
            }
            terminated.countDown();
        }
        LOG.info("[{}] router stopped", routerId());
    }
}
