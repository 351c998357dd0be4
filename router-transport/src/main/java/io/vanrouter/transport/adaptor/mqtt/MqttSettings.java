package io.vanrouter.transport.adaptor.mqtt;

/**
 * Validated settings of the MQTT listener ({@code mqtt:} in the configuration).
 *
 * @param host             address to listen on
 * @param port             port (0: any free port)
 * @param maxMessageBytes  largest MQTT packet accepted (a larger one disconnects the client: packet too large)
 * @param receiveMaximum   QoS 1 publishes a client may have unacknowledged toward the router (MQTT 5 CONNACK)
 * @param connectTimeoutMillis a connection that sends no CONNECT within this time is closed
 */
public record MqttSettings(String host, int port, int maxMessageBytes, int receiveMaximum,
        long connectTimeoutMillis) {
    public static final int MAX_MESSAGE_BYTES_DEFAULT = 256 << 10;
    public static final int RECEIVE_MAXIMUM_DEFAULT = 1_024;
    public static final long CONNECT_TIMEOUT_MILLIS_DEFAULT = 10_000;

    public static MqttSettings defaults(String host, int port) {
        return new MqttSettings(host, port, MAX_MESSAGE_BYTES_DEFAULT, RECEIVE_MAXIMUM_DEFAULT,
                CONNECT_TIMEOUT_MILLIS_DEFAULT);
    }
}
