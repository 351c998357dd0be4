package io.vanrouter.daemon.config;

import io.vanrouter.daemon.config.RouterConfig.MqttConfig;
import io.vanrouter.transport.adaptor.mqtt.MqttSettings;
import io.vanrouter.transport.tls.ServerTls;
import io.vanrouter.transport.tls.TlsException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * The {@code mqtt:} section: the MQTT listener (see docs/mqtt.md).
 * <pre>
 * mqtt:
 *   listen: {host: 0.0.0.0, port: 1883}
 *   maxMessageBytes: 262144     # optional
 *   tls: {cert: mqtt.crt, key: mqtt.key, clientCa: clients-ca.crt}   # optional; clientCa: optional
 *   users: mqtt-users.yaml      # optional: user names and passwords required, topics per user
 * </pre>
 */
final class MqttSection {
    static final List<String> KEYS = List.of("listen", "maxMessageBytes", "tls", "users");
    static final List<String> TLS_KEYS = List.of("cert", "key", "clientCa");
    static final List<String> LISTEN_KEYS = List.of("host", "port");
    static final int MESSAGE_BYTES_MIN = 1_024;
    static final int MESSAGE_BYTES_MAX = 16 << 20;

    private MqttSection() {
    }

    /**
     * @param filesCheckedAt when not null, the TLS files are read at this instant (check-config, run)
     * @return the listener, or null when there is no {@code mqtt:} section or it has problems
     */
    static MqttConfig validate(Section top, Path source, Instant filesCheckedAt, Problems problems) {
        YamlNode node = top.value("mqtt");
        Section section = node == null ? null : Section.of(node, "mqtt", problems);
        if (section == null) {
            return null;
        }
        section.rejectUnknown(KEYS);
        Long maxBytes = section.integer("maxMessageBytes", MESSAGE_BYTES_MIN, MESSAGE_BYTES_MAX, false);
        section.requirePresent("listen");
        YamlNode listenNode = section.value("listen");
        Section listen = listenNode == null ? null : Section.of(listenNode, "mqtt.listen", problems);
        if (listen == null) {
            return null;
        }
        listen.rejectUnknown(LISTEN_KEYS);
        String host = ConfigValidator.host(listen, "host", true);
        Long port = listen.integer("port", 0, 65_535, true);
        int before = problems.count();
        MqttConfig.Tls tls = tls(section, source, filesCheckedAt, problems);
        Path users = users(section, source, filesCheckedAt);
        if (host == null || port == null || problems.count() != before) {
            return null;
        }
        return new MqttConfig(host, port.intValue(), maxBytes == null ? MqttSettings.MAX_MESSAGE_BYTES_DEFAULT
                : maxBytes.intValue(), tls, users);
    }

    /** {@code mqtt.users}: the users file; read now when files are checked, so that run fails before binding. */
    private static Path users(Section mqtt, Path source, Instant filesCheckedAt) {
        String name = mqtt.string("users", false);
        if (name == null) {
            return null;
        }
        Path file = directory(source).resolve(name);
        if (filesCheckedAt != null) {
            try {
                MqttUsersFile.read(file);
            } catch (ConfigException e) {
                mqtt.problem("users", e.getMessage().replace(System.lineSeparator(), " "));
                return null;
            } catch (IOException e) {
                mqtt.problem("users", file + ": cannot be read: " + (e instanceof NoSuchFileException
                        ? "no such file" : e.getMessage()));
                return null;
            }
        }
        return file;
    }

    private static Path directory(Path source) {
        return source == null || source.getParent() == null ? Path.of("") : source.getParent();
    }

    /** {@code mqtt.tls}: the listener's certificate and key, and the CA of the client certificates it requires. */
    private static MqttConfig.Tls tls(Section mqtt, Path source, Instant filesCheckedAt, Problems problems) {
        YamlNode node = mqtt.value("tls");
        Section section = node == null ? null : Section.of(node, "mqtt.tls", problems);
        if (section == null) {
            return null;
        }
        section.rejectUnknown(TLS_KEYS);
        String cert = section.string("cert", true);
        String key = section.string("key", true);
        String clientCa = section.string("clientCa", false);
        if (cert == null || key == null) {
            return null; // "is required", reported by string()
        }
        Path dir = directory(source);
        MqttConfig.Tls tls = new MqttConfig.Tls(dir.resolve(cert), dir.resolve(key),
                clientCa == null ? null : dir.resolve(clientCa));
        if (filesCheckedAt != null) {
            try {
                ServerTls.load(tls.cert(), tls.key(), tls.clientCa());
            } catch (TlsException e) {
                section.problem("cert", e.getMessage());
                return null;
            }
        }
        return tls;
    }
}
