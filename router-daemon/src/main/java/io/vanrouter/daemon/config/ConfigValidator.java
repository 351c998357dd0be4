package io.vanrouter.daemon.config;

import io.vanrouter.core.address.AddressRules;
import io.vanrouter.daemon.config.RouterConfig.ManagementConfig;
import io.vanrouter.daemon.config.RouterConfig.RoutingConfig;
import io.vanrouter.daemon.flowlog.FlowLogSettings;
import io.vanrouter.daemon.logging.LoggingSettings;
import io.vanrouter.daemon.mgmt.BearerToken;
import io.vanrouter.daemon.security.TlsSettings;
import io.vanrouter.transport.Endpoint;
import io.vanrouter.transport.LinkProxy;
import io.vanrouter.transport.RouterMode;
import io.vanrouter.transport.adaptor.http.HttpSettings;
import io.vanrouter.transport.adaptor.amqp.AmqpSettings;
import io.vanrouter.transport.adaptor.udp.UdpSettings;
import io.vanrouter.transport.wire.MessageCodec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks a parsed YAML tree against the configuration schema ({@code docs/configuration.md}) and builds a
 * {@link RouterConfig}. Every problem is collected; nothing stops at the first one.
 */
final class ConfigValidator {
    static final List<String> TOP_KEYS = List.of("router", "listen", "peers", "management", "routing",
            "addresses", "mqtt", "amqp", "tcp", "udp", "http", "tls", "logging", "flowLog");
    static final List<String> ROUTER_KEYS = List.of("id", "mode", "network");
    static final List<String> ENDPOINT_KEYS = List.of("host", "port", "cost");
    static final List<String> PEER_KEYS = List.of("host", "port", "cost", "proxy", "proxyCredentialsFile");
    static final List<String> MANAGEMENT_KEYS = List.of("enabled", "host", "port", "allowRemote", "tokenFile");
    static final List<String> ROUTING_KEYS = List.of("helloIntervalMillis", "deadIntervalMillis",
            "linkStateRefreshMillis", "linkStateMaxAgeMillis", "handshakeTimeoutMillis", "reconnectInitialMillis",
            "reconnectMaxMillis", "maxFrameBytes", "dataConnections", "ioThreads", "spliceAfterBytes",
            "spliceAfterReads");

    static final String NETWORK_DEFAULT = "default";
    static final int LISTEN_MAX = 64;
    static final int PEERS_MAX = 1_024;
    /** Longest accepted timer: one day. Anything longer is a typo, not a setting. */
    static final long MILLIS_MAX = 86_400_000L;
    static final int FRAME_BYTES_MIN = 4_096;
    /** More data connections per link than event loops buy nothing; 16 leaves room for large machines. */
    static final int DATA_CONNECTIONS_MAX = 16;
    static final int IO_THREADS_MAX = 64;
    static final int FRAME_BYTES_MAX = 64 << 20;

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final Problems problems;
    /** When not null, the files the configuration names are read and checked at this instant. */
    private final Instant filesCheckedAt;
    private final boolean tlsRequired;
    /** The {@code routing:} section once read (null when absent), for cross-section checks. */
    private Section routingSection;

    /** @param tlsRequired false for a configuration that is still to get its {@code tls} section (token redeem) */
    ConfigValidator(Problems problems, Instant filesCheckedAt, boolean tlsRequired) {
        this.problems = problems;
        this.filesCheckedAt = filesCheckedAt;
        this.tlsRequired = tlsRequired;
    }

    /** @return the configuration, or null when a problem was found */
    RouterConfig validate(YamlNode root, Path source) {
        Section top = Section.of(root, "", problems);
        if (top == null) {
            return null;
        }
        top.rejectUnknown(TOP_KEYS);
        RouterSection router = router(top);
        EndpointList listen = endpoints(top, "listen", 0, LISTEN_MAX, "listener", null);
        EndpointList peers = endpoints(top, "peers", 1, PEERS_MAX, "peer", source);
        if (router.mode == RouterMode.EDGE) {
            if (listen.items > 0) {
                problems.add("listen", top.value("listen"), "an edge router takes no links: it only dials its uplinks (peers); "
                        + "remove listen, or make this router an interior one");
            }
            if (peers.items == 0 && !top.isInvalid("peers")) {
                problems.add("peers", root, "an edge router needs at least one uplink in peers (an interior router)");
            }
        } else if (listen.items == 0 && peers.items == 0 && !top.isInvalid("listen") && !top.isInvalid("peers")) {
            problems.add("", root, "router has neither listen nor peers");
        }
        ManagementConfig management = management(top, source);
        RoutingConfig routing = routing(top);
        AddressRules addressRules = AddressRulesSection.validate(top, problems);
        TcpSection.Tcp tcp = TcpSection.validate(top, addressRules, source, filesCheckedAt, problems);
        UdpSettings udp = UdpSection.validate(top, addressRules, problems);
        HttpSettings http = HttpSection.validate(top, addressRules, problems);
        RouterConfig.MqttConfig mqtt = MqttSection.validate(top, source, filesCheckedAt, problems);
        AmqpSettings amqp = AmqpSection.validate(top, mqtt, problems);
        messagesFitFrames(top, routing, mqtt);
        TlsSettings tls = TlsSection.validate(top, source, router.id, filesCheckedAt, tlsRequired, problems);
        LoggingSettings logging = ObservabilitySection.logging(top, problems);
        FlowLogSettings flowLog = ObservabilitySection.flowLog(top, source, filesCheckedAt, problems);
        if (!problems.isEmpty()) {
            return null;
        }
        return new RouterConfig(source, router.id, router.mode, router.network, listen.endpoints, peers.endpoints,
                management, routing, addressRules, mqtt, tcp.listeners(), tcp.connectors(), tls, logging, flowLog, udp,
                http, amqp);
    }

    private record RouterSection(String id, RouterMode mode, String network) {
    }

    private RouterSection router(Section top) {
        top.requirePresent("router");
        YamlNode node = top.value("router");
        Section section = node == null ? null : Section.of(node, "router", problems);
        if (section == null) {
            return new RouterSection(null, RouterMode.INTERIOR, NETWORK_DEFAULT);
        }
        section.rejectUnknown(ROUTER_KEYS);
        String id = name(section, "id", true);
        String network = name(section, "network", false);
        RouterMode mode = RouterMode.INTERIOR;
        String modeText = section.string("mode", false);
        if ("edge".equals(modeText)) {
            mode = RouterMode.EDGE;
        } else if (modeText != null && !"interior".equals(modeText)) {
            section.problem("mode", "must be one of interior, edge; got '" + modeText + "'");
        }
        return new RouterSection(id, mode, network == null ? NETWORK_DEFAULT : network);
    }

    /** A router id or network name: 1..255 UTF-8 bytes, no whitespace or control characters. */
    private static String name(Section section, String key, boolean required) {
        String value = section.string(key, required);
        if (value == null) {
            return null;
        }
        String rule = nameRule(value);
        if (rule != null) {
            section.problem(key, rule);
            return null;
        }
        return value;
    }

    /** @return what is wrong with a name, or null when it is fine */
    static String nameRule(String value) {
        return Names.problem(value);
    }

    private record EndpointList(List<Endpoint> endpoints, int items) {
    }

    /** @param source the file, for a peer's relative proxyCredentialsFile; null for listeners (no proxy keys) */
    private EndpointList endpoints(Section top, String key, int portMin, int max, String noun, Path source) {
        boolean peers = portMin > 0;
        List<YamlNode> items = top.list(key);
        if (items == null) {
            return new EndpointList(List.of(), 0);
        }
        if (items.size() > max) {
            top.problem(key, "at most " + max + " entries, got " + items.size());
        }
        List<Endpoint> endpoints = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            String path = key + "[" + i + "]";
            Section section = Section.of(items.get(i), path, problems);
            if (section == null) {
                continue;
            }
            section.rejectUnknown(peers ? PEER_KEYS : ENDPOINT_KEYS);
            String host = host(section, "host", true);
            Long port = section.integer("port", portMin, 65_535, true);
            Long cost = section.integer("cost", 1, Integer.MAX_VALUE, false);
            int before = problems.count();
            LinkProxy proxy = peers ? PeerProxySection.validate(section, source, filesCheckedAt) : null;
            if (host == null || port == null || section.isInvalid("cost") || problems.count() > before) {
                continue;
            }
            Endpoint endpoint = new Endpoint(host, port.intValue(), cost == null ? Endpoint.COST_DEFAULT
                    : cost.intValue(), proxy);
            String identity = host.toLowerCase(Locale.ROOT) + ":" + port;
            String first = port == 0 ? null : seen.putIfAbsent(identity, path);
            if (first != null) {
                problems.add(path, section.node(), "duplicate " + noun + " " + endpoint + " (same as " + first + ")");
                continue;
            }
            endpoints.add(endpoint);
        }
        return new EndpointList(endpoints, items.size());
    }

    /** A host name or address literal; not resolved here (no DNS while validating). */
    static String host(Section section, String key, boolean required) {
        String value = section.string(key, required);
        if (value == null) {
            return null;
        }
        if (value.isEmpty()) {
            section.problem(key, "must not be empty");
            return null;
        }
        if (value.codePoints().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))
                || value.length() > 253) {
            section.problem(key, "is not a valid host name or address: '" + value + "'");
            return null;
        }
        return value;
    }

    private ManagementConfig management(Section top, Path source) {
        YamlNode node = top.value("management");
        Section section = node == null ? null : Section.of(node, "management", problems);
        if (section == null) {
            return new ManagementConfig(true, ManagementConfig.HOST_DEFAULT, ManagementConfig.PORT_DEFAULT);
        }
        section.rejectUnknown(MANAGEMENT_KEYS);
        Boolean enabled = section.bool("enabled");
        String host = host(section, "host", false);
        Long port = section.integer("port", 0, 65_535, false);
        Boolean allowRemote = section.bool("allowRemote");
        String tokenFile = section.string("tokenFile", false);
        boolean on = enabled == null || enabled;
        boolean remote = on && host != null && !isLoopback(host);
        if (remote && (!Boolean.TRUE.equals(allowRemote) || tokenFile == null)) {
            section.problem("host", "'" + host + "' is not a loopback address; serving management there needs"
                    + " management.allowRemote: true and management.tokenFile (a bearer token every request must"
                    + " carry; docs/security.md)");
        }
        Path token = null;
        if (tokenFile != null && tokenFile.isBlank()) {
            section.problem("tokenFile", "must name a file");
        } else if (tokenFile != null) {
            Path dir = source == null || source.getParent() == null ? Path.of("") : source.getParent();
            token = dir.resolve(tokenFile);
            if (filesCheckedAt != null && on) {
                try {
                    BearerToken.read(token);
                } catch (IOException e) {
                    section.problem("tokenFile", e.getMessage());
                }
            }
        }
        return new ManagementConfig(on, host == null ? ManagementConfig.HOST_DEFAULT : host,
                port == null ? ManagementConfig.PORT_DEFAULT : port.intValue(), token);
    }

    /** True for localhost and loopback address literals; other names are not resolved and count as remote. */
    static boolean isLoopback(String host) {
        if ("localhost".equalsIgnoreCase(host)) {
            return true;
        }
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (!IPV4.matcher(literal).matches() && !literal.contains(":")) {
            return false;
        }
        try {
            // an address literal: getByName parses it without a DNS lookup
            return InetAddress.getByName(literal).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private RoutingConfig routing(Section top) {
        RoutingConfig defaults = RoutingConfig.defaults();
        YamlNode node = top.value("routing");
        Section s = node == null ? null : Section.of(node, "routing", problems);
        if (s == null) {
            return defaults;
        }
        routingSection = s;
        s.rejectUnknown(ROUTING_KEYS);
        long hello = millis(s, "helloIntervalMillis", defaults.helloIntervalMillis());
        long dead = millis(s, "deadIntervalMillis", defaults.deadIntervalMillis());
        long refresh = millis(s, "linkStateRefreshMillis", defaults.linkStateRefreshMillis());
        long maxAge = millis(s, "linkStateMaxAgeMillis", defaults.linkStateMaxAgeMillis());
        long handshake = millis(s, "handshakeTimeoutMillis", defaults.handshakeTimeoutMillis());
        long reconnectInitial = millis(s, "reconnectInitialMillis", defaults.reconnectInitialMillis());
        long reconnectMax = millis(s, "reconnectMaxMillis", defaults.reconnectMaxMillis());
        Long frame = s.integer("maxFrameBytes", FRAME_BYTES_MIN, FRAME_BYTES_MAX, false);
        Long data = s.integer("dataConnections", 0, DATA_CONNECTIONS_MAX, false);
        Long threads = s.integer("ioThreads", 1, IO_THREADS_MAX, false);
        Long splice = s.integer("spliceAfterBytes", 0, Long.MAX_VALUE, false);
        Long spliceReads = s.integer("spliceAfterReads", 0, Long.MAX_VALUE, false);
        order(s, "helloIntervalMillis", hello, "deadIntervalMillis", dead, true);
        order(s, "linkStateRefreshMillis", refresh, "linkStateMaxAgeMillis", maxAge, true);
        order(s, "reconnectInitialMillis", reconnectInitial, "reconnectMaxMillis", reconnectMax, false);
        return new RoutingConfig(hello, dead, refresh, maxAge, handshake, reconnectInitial, reconnectMax,
                frame == null ? defaults.maxFrameBytes() : frame.intValue(),
                data != null ? data.intValue()
                        : threads != null ? Math.min(threads.intValue(), DATA_CONNECTIONS_MAX) // one per loop
                        : defaults.dataConnections(),
                threads == null ? defaults.ioThreads() : threads.intValue(),
                splice == null ? defaults.spliceAfterBytes() : splice,
                spliceReads == null ? defaults.spliceAfterReads() : spliceReads);
    }

    /**
     * An MQTT message crosses links as one MESSAGE frame: the largest one, plus the frame's header, must fit in
     * {@code routing.maxFrameBytes}, or the router would have to refuse it after accepting it from the client. Reported
     * at the value that was set (mqtt.maxMessageBytes first); skipped when either value is already invalid.
     */
    private void messagesFitFrames(Section top, RoutingConfig routing, RouterConfig.MqttConfig mqtt) {
        if (mqtt == null || problems.has("mqtt.maxMessageBytes") || problems.has("routing.maxFrameBytes")) {
            return;
        }
        long needed = (long) mqtt.maxMessageBytes() + MessageCodec.HEADER_BYTES_MAX;
        if (needed <= routing.maxFrameBytes()) {
            return;
        }
        Section mqttSection = Section.of(top.value("mqtt"), "mqtt", problems); // a mapping: mqtt was read from it
        boolean frameSet = routingSection != null && routingSection.value("maxFrameBytes") != null;
        String message = "mqtt.maxMessageBytes (" + shown(mqttSection, "maxMessageBytes", mqtt.maxMessageBytes())
                + ") plus " + MessageCodec.HEADER_BYTES_MAX + " bytes of MESSAGE frame header does not fit in"
                + " routing.maxFrameBytes (" + (frameSet ? "" : "default ") + routing.maxFrameBytes() + "): raise"
                + " routing.maxFrameBytes to at least " + needed + " on every router, or lower mqtt.maxMessageBytes to"
                + " at most " + (routing.maxFrameBytes() - MessageCodec.HEADER_BYTES_MAX);
        if (mqttSection.value("maxMessageBytes") != null || !frameSet) {
            mqttSection.problem("maxMessageBytes", message);
        } else {
            routingSection.problem("maxFrameBytes", message);
        }
    }

    private static long millis(Section section, String key, long fallback) {
        Long value = section.integer(key, 1, MILLIS_MAX, false);
        return value == null ? fallback : value;
    }

    private static String shown(Section section, String key, long value) {
        return section.value(key) == null ? "default " + value : Long.toString(value);
    }

    /** Reports {@code upper} unless it exceeds (strict) or equals {@code lower}; skipped when either is invalid. */
    private static void order(Section section, String lowerKey, long lower, String upperKey, long upper,
            boolean strict) {
        if (section.isInvalid(lowerKey) || section.isInvalid(upperKey)) {
            return;
        }
        if (strict ? upper <= lower : upper < lower) {
            String key = section.value(upperKey) != null ? upperKey : lowerKey;
            String relation = strict ? " must exceed " : " must be at least ";
            section.problem(key, upperKey + " (" + shown(section, upperKey, upper) + ")" + relation + lowerKey + " ("
                    + shown(section, lowerKey, lower) + ")");
        }
    }
}
