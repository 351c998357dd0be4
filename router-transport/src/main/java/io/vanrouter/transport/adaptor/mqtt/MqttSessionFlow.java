package io.vanrouter.transport.adaptor.mqtt;

/**
 * One finished MQTT session (an accepted CONNECT until the connection closed), for the flow log.
 *
 * @param clientId      the client id (assigned by the router when the client sent none)
 * @param user          the authenticated user name, or null without a users file
 * @param remote        the client's address, e.g. {@code 127.0.0.1:41234}
 * @param protocol      {@code MQTT_3_1_1} or {@code MQTT_5}
 * @param durationNanos from CONNACK to close
 * @param messagesIn    PUBLISH packets accepted from the client
 * @param messagesOut   PUBLISH packets written to the client
 * @param end           {@code disconnect} (the client sent DISCONNECT), {@code closed} (the connection closed without
 *                      one), {@code taken_over}, {@code keep_alive_timeout}, or the reason this router disconnected it
 * @param reason        the words of a router-side disconnect, or null
 */
public record MqttSessionFlow(String clientId, String user, String remote, String protocol, long durationNanos,
        long messagesIn, long messagesOut, String end, String reason) {
}
