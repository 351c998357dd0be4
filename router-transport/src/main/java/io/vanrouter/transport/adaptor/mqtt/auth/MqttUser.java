package io.vanrouter.transport.adaptor.mqtt.auth;

import java.util.Objects;

/**
 * One entry of the users file: the name an MQTT client gives in CONNECT, its password hash, and the topics it may
 * publish and subscribe to.
 */
public record MqttUser(String name, PasswordHash password, TopicPatterns publish, TopicPatterns subscribe) {
    public MqttUser {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(publish, "publish");
        Objects.requireNonNull(subscribe, "subscribe");
    }
}
