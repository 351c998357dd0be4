package io.vanrouter.daemon;

import io.vanrouter.daemon.config.RouterConfig;
import io.vanrouter.daemon.security.TlsSettings;
import io.vanrouter.transport.TransportServer;
import io.vanrouter.transport.adaptor.tcp.TcpAdaptor;
import io.vanrouter.transport.adaptor.tcp.TcpSettings;
import io.vanrouter.transport.tls.LinkTls;
import io.vanrouter.transport.tls.TlsException;
import io.vanrouter.transport.tls.TlsFiles;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Works out what a reloaded configuration changes and whether it can change it live. Settings that shape the whole
 * router (its id, network, mode, routing timers, management endpoint, plain or TLS links) need a restart: a file that
 * changes them is rejected whole. Pure; any thread.
 */
final class ConfigReload {
    private ConfigReload() {
    }

    /** Why {@code next} cannot be applied to a router running {@code live}, or null when it can. */
    static String needsRestart(RouterConfig live, RouterConfig next) {
        List<String> changed = new ArrayList<>();
        if (!live.routerId().equals(next.routerId())) {
            changed.add("router.id");
        }
        if (!Objects.equals(live.network(), next.network())) {
            changed.add("router.network");
        }
        if (live.mode() != next.mode()) {
            changed.add("router.mode");
        }
        if (!live.routing().equals(next.routing())) {
            changed.add("routing");
        }
        if (!live.management().equals(next.management())) {
            changed.add("management");
        }
        if (!Objects.equals(live.flowLog(), next.flowLog())) {
            changed.add("flowLog");
        }
        if (!live.udp().equals(next.udp())) {
            changed.add("udp");
        }
        if (!live.http().equals(next.http())) {
            changed.add("http");
        }
        if (!Objects.equals(live.amqp(), next.amqp())) {
            changed.add("amqp");
        }
        if (insecure(live.tls()) != insecure(next.tls())) {
            changed.add("tls (between TLS and insecure links)");
        }
        return changed.isEmpty() ? null : String.join(", ", changed) + " changed: these take effect only at a restart"
                + " (the running configuration stays; restart the router, or undo the change and reload)";
    }

    private static boolean insecure(TlsSettings tls) {
        return tls == null || tls.insecure();
    }

    /** The link credentials to switch to, or null when the TLS files named stay the same. */
    static TlsFiles newLinkFiles(RouterConfig live, RouterConfig next) {
        TlsSettings a = live.tls();
        TlsSettings b = next.tls();
        if (insecure(b) || Objects.equals(a, b)) {
            return null;
        }
        return new TlsFiles(b.ca(), b.cert(), b.key(), b.crl());
    }

    /**
     * Everything the reload will do, bound but not yet applied: new listeners hold their ports, so a port that cannot
     * be bound rejects the reload before anything changed.
     */
    static final class Plan {
        final RouterConfig next;
        final TransportServer.LinkChanges links;
        final TcpAdaptor.Changes tcp; // null: no tcp adaptor running (one is started at apply if needed)
        final boolean rulesChanged;
        final boolean mqttChanged;
        final boolean loggingChanged;
        final TlsFiles linkFiles;

        private Plan(RouterConfig next, TransportServer.LinkChanges links, TcpAdaptor.Changes tcp,
                boolean rulesChanged, boolean mqttChanged, boolean loggingChanged, TlsFiles linkFiles) {
            this.next = next;
            this.links = links;
            this.tcp = tcp;
            this.rulesChanged = rulesChanged;
            this.mqttChanged = mqttChanged;
            this.loggingChanged = loggingChanged;
            this.linkFiles = linkFiles;
        }

        static Plan prepare(RouterConfig live, RouterConfig next, TransportServer transport, TcpAdaptor tcp,
                LinkTls linkTls) throws IOException, TlsException {
            TlsFiles files = newLinkFiles(live, next);
            if (files != null && linkTls != null) {
                TlsFiles before = linkTls.files();
                linkTls.useFiles(files); // reads and checks them now; throws before anything else changed
                linkTls.useFiles(before); // switched for good at apply
            }
            TransportServer.LinkChanges links = transport.prepareLinks(next.listen(), next.peers());
            TcpAdaptor.Changes tcpChanges = null;
            try {
                if (tcp != null) {
                    tcpChanges = tcp.prepare(next.tcpSettings());
                }
            } catch (IOException e) {
                links.abandon();
                throw e;
            }
            return new Plan(next, links, tcpChanges, !live.addressRules().equals(next.addressRules()),
                    !Objects.equals(live.mqtt(), next.mqtt()), !Objects.equals(live.logging(), next.logging()), files);
        }

        void abandon() {
            links.abandon();
            if (tcp != null) {
                tcp.abandon();
            }
        }

        /** One line: what changes. */
        String describe(RouterConfig live) {
            List<String> parts = new ArrayList<>();
            if (!links.isEmpty()) {
                parts.add(links.describe());
            }
            if (tcp != null) {
                String changes = tcp.describe();
                if (!changes.equals("no tcp changes")) {
                    parts.add(changes);
                }
            } else if (!next.tcpSettings().equals(new TcpSettings(List.of(), List.of()))) {
                parts.add("start the tcp adaptor");
            }
            if (rulesChanged) {
                parts.add("address rules");
            }
            if (mqttChanged) {
                parts.add(next.mqtt() == null ? "stop the mqtt listener" : live.mqtt() == null
                        ? "start the mqtt listener" : "restart the mqtt listener (its clients reconnect)");
            }
            if (loggingChanged) {
                parts.add("logging");
            }
            if (linkFiles != null) {
                parts.add("link TLS files " + linkFiles.cert() + ", " + linkFiles.key() + ", " + linkFiles.ca());
            }
            return parts.isEmpty() ? "nothing changed" : String.join("; ", parts);
        }
    }
}
