package io.vanrouter.daemon.flowlog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vanrouter.transport.adaptor.mqtt.MqttSessionFlow;
import io.vanrouter.transport.stream.StreamFlow;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlowLogTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldWriteOneJsonLinePerFlowInOrderAndCountThem(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("flows.log");
        FlowLog log = new FlowLog("a", new FlowLogSettings(file, false));
        log.tcp(new StreamFlow("listener", "db", "a", "c", "b", "socket 127.0.0.1:40000", true, 10, 20,
                3_000_000, "normal", null));
        log.mqtt(new MqttSessionFlow("sensor-1", "alice", "127.0.0.1:40001", "MQTT_5", 5_000_000_000L, 7, 3,
                "keep_alive_timeout", "nothing received for 1.5 x keep-alive"));
        log.close();

        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(2);
        JsonNode tcp = JSON.readTree(lines.get(0));
        assertThat(tcp.path("router").asText()).isEqualTo("a");
        assertThat(tcp.path("kind").asText()).isEqualTo("tcp");
        assertThat(tcp.path("connectorSite").asText()).isEqualTo("c");
        assertThat(tcp.path("nextHop").asText()).isEqualTo("b");
        assertThat(tcp.path("bytesToListener").asLong()).isEqualTo(20);
        assertThat(tcp.path("durationMillis").asLong()).isEqualTo(3);
        assertThat(tcp.path("end").asText()).isEqualTo("normal");
        assertThat(tcp.path("time").asText()).endsWith("Z");
        JsonNode mqtt = JSON.readTree(lines.get(1));
        assertThat(mqtt.path("kind").asText()).isEqualTo("mqtt");
        assertThat(mqtt.path("user").asText()).isEqualTo("alice");
        assertThat(mqtt.path("messagesIn").asLong()).isEqualTo(7);
        assertThat(mqtt.path("durationMillis").asLong()).isEqualTo(5_000);
        assertThat(mqtt.path("end").asText()).isEqualTo("keep_alive_timeout");
        assertThat(log.written()).isEqualTo(2);
        assertThat(log.dropped()).isZero();
    }

    @Test
    void shouldCountRecordsOfferedAfterCloseAsDropped(@TempDir Path dir) throws Exception {
        FlowLog log = new FlowLog("a", new FlowLogSettings(dir.resolve("flows.log"), false));
        log.close();

        log.tcp(new StreamFlow("listener", "db", "a", null, null, null, false, 0, 0, 1, "no_connector", "none"));

        assertThat(log.dropped()).isEqualTo(1);
        assertThat(Files.readAllLines(dir.resolve("flows.log"))).isEmpty();
    }
}
