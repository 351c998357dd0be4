package io.vanrouter.daemon.mgmt;

import java.util.List;

/**
 * The management endpoint's answer to {@code GET /status}, and what {@code vanrouter status --json} prints. Field
 * names are part of the management API: add, never rename.
 *
 * @param configGeneration the live configuration: 1 at start, one more per applied reload
 * @param linkSecurity how links are protected, e.g. "TLS 1.3, OpenSSL (BoringSSL)", or "plain (tls: insecure)";
 *                     null in reports from routers before link TLS
 * @param neighboursAgeMillis since this router's own link state last changed its neighbours or their costs (a link
 *                            came up or went down); -1 if never, or in reports from routers before this field
 */
public record StatusReport(
        String router,
        String network,
        String mode,
        long instance,
        String version,
        long uptimeMillis,
        List<Node> nodes,
        List<Link> links,
        List<Address> addresses,
        List<Topic> topics,
        List<Connection> connections,
        List<TcpCounters> tcp,
        String linkSecurity,
        long configGeneration,
        List<UdpCounters> udp,
        List<HttpCounters> http,
        AmqpCounters amqp,
        long neighboursAgeMillis) {

    public StatusReport {
        udp = udp == null ? List.of() : List.copyOf(udp);
        http = http == null ? List.of() : List.copyOf(http);
        topics = topics == null ? List.of() : List.copyOf(topics);
        connections = connections == null ? List.of() : List.copyOf(connections);
        tcp = tcp == null ? List.of() : List.copyOf(tcp);
    }

    /** A report without the age of the neighbours (-1). */
    public StatusReport(String router, String network, String mode, long instance, String version, long uptimeMillis,
            List<Node> nodes, List<Link> links, List<Address> addresses, List<Topic> topics,
            List<Connection> connections, List<TcpCounters> tcp, String linkSecurity, long configGeneration,
            List<UdpCounters> udp, List<HttpCounters> http, AmqpCounters amqp) {
        this(router, network, mode, instance, version, uptimeMillis, nodes, links, addresses, topics, connections,
                tcp, linkSecurity, configGeneration, udp, http, amqp, -1);
    }

    /** A report without HTTP and AMQP counters. */
    public StatusReport(String router, String network, String mode, long instance, String version, long uptimeMillis,
            List<Node> nodes, List<Link> links, List<Address> addresses, List<Topic> topics,
            List<Connection> connections, List<TcpCounters> tcp, String linkSecurity, long configGeneration,
            List<UdpCounters> udp) {
        this(router, network, mode, instance, version, uptimeMillis, nodes, links, addresses, topics, connections,
                tcp, linkSecurity, configGeneration, udp, List.of(), null);
    }

    /**
     * The AMQP listener's counters (docs/adaptors.md, "AMQP"): receiver links attached now, then the adaptor's
     * counters by name (connections, protocol errors, refused links, messages in and out, accepted, released,
     * rejected, receiver drops). Null without an {@code amqp:} section.
     */
    public record AmqpCounters(int receivers, java.util.Map<String, Long> counters) {
    }

    /** A report without UDP counters. */
    public StatusReport(String router, String network, String mode, long instance, String version, long uptimeMillis,
            List<Node> nodes, List<Link> links, List<Address> addresses, List<Topic> topics,
            List<Connection> connections, List<TcpCounters> tcp, String linkSecurity, long configGeneration) {
        this(router, network, mode, instance, version, uptimeMillis, nodes, links, addresses, topics, connections,
                tcp, linkSecurity, configGeneration, List.of());
    }

    /** A report of a router whose configuration was never reloaded (generation 1). */
    public StatusReport(String router, String network, String mode, long instance, String version, long uptimeMillis,
            List<Node> nodes, List<Link> links, List<Address> addresses, List<Topic> topics,
            List<Connection> connections, List<TcpCounters> tcp, String linkSecurity) {
        this(router, network, mode, instance, version, uptimeMillis, nodes, links, addresses, topics, connections,
                tcp, linkSecurity, 1);
    }

    /** A report without adaptor state (message counters, TCP connections). */
    public StatusReport(String router, String network, String mode, long instance, String version, long uptimeMillis,
            List<Node> nodes, List<Link> links, List<Address> addresses) {
        this(router, network, mode, instance, version, uptimeMillis, nodes, links, addresses, List.of(), List.of(),
                List.of(), null);
    }

    /** Messages of one topic at this router: received (from clients or links), copies sent on, dropped. */
    public record Topic(String topic, long messagesIn, long messagesOut, long dropped) {
    }

    /**
     * A router known to this one. {@code nextHop} null and {@code cost} -1 when unreachable; {@code routeAgeMillis}:
     * since its next hop, cost or reachability last changed here, -1 if never routed.
     */
    public record Node(String id, String nextHop, long cost, int hops, boolean reachable, long instance,
            long linkStateSequence, long linkStateAgeMillis, long routeAgeMillis) {

        /** A node whose route age is not known (-1). */
        public Node(String id, String nextHop, long cost, int hops, boolean reachable, long instance,
                long linkStateSequence, long linkStateAgeMillis) {
            this(id, nextHop, cost, hops, reachable, instance, linkStateSequence, linkStateAgeMillis, -1);
        }
    }

    /**
     * An inter-router link or configured peer; {@code state} as in the transport, plus hello state;
     * {@code dataConnections} beside an active link (docs/protocol.md, section 5.1).
     */
    public record Link(long id, String peer, String state, long cost, int dataConnections, String direction,
            String remote, long ageMillis, long lastHelloAgeMillis, String lastError) {
    }

    /**
     * A live TCP stream at this router: {@code role} listener, transit or connector; bytes toward the connector side
     * and back; bytes this router holds for it.
     */
    public record Connection(long id, String role, String address, String origin, String destination, String state,
            long bytesToConnector, long bytesToListener, long bufferedBytes, long ageMillis, String ends) {
    }

    /**
     * TCP adaptor counters of one address at this router; {@code tlsRefused}: clients refused in a listener's TLS
     * handshake; {@code tlsFailed}: connectors' TLS handshakes with the server that failed.
     */
    /**
     * UDP flows and datagrams of one address at this router (docs/adaptors.md): flows of its listeners (started,
     * open now, ended idle), flows its connector served, datagrams taken in and written out, and datagrams dropped by
     * cause.
     */
    public record UdpCounters(String address, long flowsStarted, long flowsOpen, long flowsExpired, long flowsServed,
            long datagramsIn, long datagramsOut, long droppedCongested, long droppedNoConnector, long droppedFlowLimit,
            long droppedSocketBusy, long droppedTooLarge) {
    }

    /**
     * HTTP requests of one address that this router's listeners sent to one connector site (docs/adaptors.md):
     * requests, responses by status class, requests without a complete response, latency percentiles (head of the
     * request to end of the response, microseconds, at most 19% above the true value); {@code served}: requests this
     * router's connector for the address served (on every row of the address), {@code badRequests}: malformed
     * requests refused at this router's listeners.
     */
    public record HttpCounters(String address, String site, long requests, long status2xx, long status3xx,
            long status4xx, long status5xx, long failed, long p50Micros, long p90Micros, long p99Micros, long served,
            long badRequests) {
    }

    public record TcpCounters(String address, long accepted, long opened, long refused, long failed, long served,
            long serveFailed, long tlsRefused, long tlsFailed) {
    }

    /** An address known to this router: where its consumers are. */
    public record Address(String address, String distribution, int localConsumers, List<String> routers) {
    }
}
