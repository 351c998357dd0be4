package io.vanrouter.transport.adaptor.mqtt;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;

/** One QoS 1 message sent by a publisher of its own, whose PUBACK a test waits for. */
final class Qos1Publish implements AutoCloseable {
    private static final long CONNECT_MILLIS = 30_000;

    private final MqttAsyncClient client;
    private IMqttDeliveryToken token;

    private Qos1Publish(MqttAsyncClient client) {
        this.client = client;
    }

    /** Connects {@code clientId} to {@code uri} and publishes {@code payload} to {@code topic} at QoS 1. */
    static Qos1Publish send(String uri, String clientId, String topic, byte[] payload) throws MqttException {
        Qos1Publish publish = new Qos1Publish(new MqttAsyncClient(uri, clientId, null));
        try {
            publish.client.connect().waitForCompletion(CONNECT_MILLIS);
            MqttMessage message = new MqttMessage(payload);
            message.setQos(1);
            publish.token = publish.client.publish(topic, message);
            return publish;
        } catch (MqttException | RuntimeException e) {
            publish.close();
            throw e;
        }
    }

    /** True once the publisher got its PUBACK. */
    boolean acknowledged() {
        return token.isComplete();
    }

    @Override
    public void close() {
        try {
            client.disconnectForcibly(1_000, 1_000);
        } catch (MqttException e) {
            // already gone: nothing to undo
        }
        try {
            client.close();
        } catch (MqttException e) {
            // closing a client that never connected: nothing to release
        }
    }
}
