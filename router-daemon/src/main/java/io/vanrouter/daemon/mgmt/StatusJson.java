package io.vanrouter.daemon.mgmt;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * JSON of the management API. Readers ignore unknown fields, so an older CLI can read a newer router's status.
 * Thread-safe.
 */
public final class StatusJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private StatusJson() {
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    public static StatusReport read(String json) throws JsonProcessingException {
        return MAPPER.readValue(json, StatusReport.class);
    }

    public static TopologyReport readTopology(String json) throws JsonProcessingException {
        return MAPPER.readValue(json, TopologyReport.class);
    }

    public static TraceReport readTrace(String json) throws JsonProcessingException {
        return MAPPER.readValue(json, TraceReport.class);
    }

    public static JsonNode tree(String json) throws JsonProcessingException {
        return MAPPER.readTree(json);
    }

    public static String pretty(JsonNode node) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot print JSON", e);
        }
    }
}
