package io.vanrouter.transport.adaptor.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** Paho v3 clients that record what they receive: payload "publisher:seq" per message. */
final class PahoClients implements AutoCloseable {
    private final List<MqttClient> clients = new ArrayList<>();

    /** A subscriber's log: messages in arrival order. */
    static class Received implements MqttCallback {
        final List<String> payloads = new CopyOnWriteArrayList<>();
        final Map<String, Integer> dups = new ConcurrentHashMap<>();
        volatile boolean lost;

        @Override
        public void connectionLost(Throwable cause) {
            lost = true;
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            payloads.add(new String(message.getPayload(), StandardCharsets.UTF_8));
            if (message.isDuplicate()) {
                dups.merge(topic, 1, Integer::sum);
            }
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
        }

        int count() {
            return payloads.size();
        }
    }

    MqttClient connect(String uri, String clientId, MqttCallback callback) throws MqttException {
        MqttClient client = new MqttClient(uri, clientId, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setMaxInflight(1_000);
        options.setAutomaticReconnect(false);
        if (callback != null) {
            client.setCallback(callback);
        }
        client.connect(options);
        clients.add(client);
        return client;
    }

    Received subscribe(String uri, String clientId, String filter, int qos) throws MqttException {
        Received received = new Received();
        MqttClient client = connect(uri, clientId, received);
        client.subscribe(filter, qos);
        return received;
    }

    /**
     * Publishes at QoS 1 through {@code publisher}, keeping {@code window} (tokens not yet waited for). Paho frees an
     * in-flight slot on its own threads after a token completes, so on a loaded machine it can refuse a publish with
     * "too many publishes in progress" although the caller's window is below the limit: then wait for the oldest
     * token and try again.
     */
    static IMqttDeliveryToken publishQos1(org.eclipse.paho.client.mqttv3.MqttAsyncClient publisher, String topic,
            byte[] payload, List<IMqttDeliveryToken> window) throws MqttException {
        for (int attempt = 0; ; attempt++) {
            try {
                return publisher.publish(topic, payload, 1, false);
            } catch (MqttException e) {
                if (e.getReasonCode() != MqttException.REASON_CODE_MAX_INFLIGHT || attempt >= 100
                        || window.isEmpty()) {
                    throw e;
                }
                window.remove(0).waitForCompletion(30_000);
            }
        }
    }

    static byte[] payload(String publisher, int seq) {
        return (publisher + ":" + seq).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        for (MqttClient client : clients) {
            try {
                if (client.isConnected()) {
                    client.disconnectForcibly(0, 1_000);
                }
                client.close(true);
            } catch (MqttException e) {
                // best effort
            }
        }
    }
}
