package io.vanrouter.transport.adaptor.mqtt.auth;

import java.io.IOException;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The users of one MQTT listener, by name. Immutable; any thread. */
public final class MqttUsers {
    private final Map<String, MqttUser> byName;

    private MqttUsers(Map<String, MqttUser> byName) {
        this.byName = byName;
    }

    /** @throws IllegalArgumentException when two entries share a name */
    public static MqttUsers of(Collection<MqttUser> users) {
        Map<String, MqttUser> byName = new LinkedHashMap<>();
        for (MqttUser user : users) {
            if (byName.putIfAbsent(user.name(), user) != null) {
                throw new IllegalArgumentException("user '" + user.name() + "' appears twice");
            }
        }
        return new MqttUsers(Collections.unmodifiableMap(byName));
    }

    /** The user of that name, or null. */
    public MqttUser get(String name) {
        return name == null ? null : byName.get(name);
    }

    /** The names in the order the file lists them. */
    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    public int size() {
        return byName.size();
    }

    /** Reads the users file; the daemon's parser (YAML) is behind it, so the transport needs no format of its own. */
    @FunctionalInterface
    public interface Loader {
        /** @throws IOException or IllegalArgumentException with a message naming the file and the problem */
        MqttUsers load() throws IOException;
    }
}
