package io.vanrouter.daemon.config;

import io.vanrouter.daemon.config.RouterConfig.MqttConfig;
import io.vanrouter.transport.adaptor.mqtt.MqttSettings;
import java.util.List;

/**
 * The {@code mqtt:} section: the MQTT listener (see docs/mqtt.md).
 * <pre>
 * mqtt:
 *   listen: {host: 0.0.0.0, port: 1883}
 *   maxMessageBytes: 262144     # optional
 * </pre>
 */
final class MqttSection {
    static final List<String> KEYS = List.of("listen", "maxMessageBytes");
    static final List<String> LISTEN_KEYS = List.of("host", "port");
    static final int MESSAGE_BYTES_MIN = 1_024;
    static final int MESSAGE_BYTES_MAX = 16 << 20;

    private MqttSection() {
    }

    /** @return the listener, or null when there is no {@code mqtt:} section or it has problems */
    static MqttConfig validate(Section top, Problems problems) {
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
        if (host == null || port == null) {
            return null;
        }
        return new MqttConfig(host, port.intValue(), maxBytes == null ? MqttSettings.MAX_MESSAGE_BYTES_DEFAULT
                : maxBytes.intValue());
    }
}
