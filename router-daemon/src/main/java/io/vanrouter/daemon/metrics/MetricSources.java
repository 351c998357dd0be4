package io.vanrouter.daemon.metrics;

import io.vanrouter.transport.CoreLoop;
import io.vanrouter.transport.TransportServer;
import io.vanrouter.transport.adaptor.http.HttpAdaptor;
import io.vanrouter.transport.adaptor.amqp.AmqpAdaptor;
import io.vanrouter.transport.adaptor.mqtt.MqttAdaptor;
import io.vanrouter.transport.adaptor.tcp.TcpAdaptor;
import io.vanrouter.transport.adaptor.udp.UdpAdaptor;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * What a router's metrics read, all of it safe from any thread: the transport's counters and views, the core's
 * published routing table and address view (immutable snapshots) and its counters, the adaptors' counters.
 *
 * @param tcp      null without a TCP adaptor
 * @param mqtt     null without an MQTT listener
 * @param udp      null without a UDP adaptor
 * @param flowLog  the flow log's written and dropped records; null when the flow log is off
 * @param http     null without an HTTP adaptor
 * @param amqp     null without an AMQP listener
 */
public record MetricSources(String routerId, String network, String version, long instance, long startedMillis,
        TransportServer transport, CoreLoop core, TcpAdaptor tcp, MqttAdaptor mqtt, UdpAdaptor udp,
        FlowLogCounts flowLog, HttpAdaptor http, AmqpAdaptor amqp) {

    public MetricSources {
        Objects.requireNonNull(routerId, "routerId");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(core, "core");
    }

    /** Records the flow log wrote and dropped. */
    public record FlowLogCounts(LongSupplier written, LongSupplier dropped) {
    }
}
