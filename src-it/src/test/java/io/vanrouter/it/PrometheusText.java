package io.vanrouter.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@code /metrics} answer parsed by a real Prometheus text-format parser: the official Python client's
 * ({@code prometheus_client.parser}, Debian's python3-prometheus-client), run as a subprocess. Invalid text fails.
 */
final class PrometheusText {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One sample: its name (a counter's ends in {@code _total}), labels and value. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    /** One family: name (a counter's without {@code _total}), type and samples. */
    record Family(String name, String type, List<Sample> samples) {
    }

    private final Map<String, Family> families;

    private PrometheusText(Map<String, Family> families) {
        this.families = families;
    }

    static PrometheusText parse(String text, Path workDir) throws IOException, InterruptedException {
        Path script = workDir.resolve("prometheus_parse.py");
        if (!Files.exists(script)) {
            try (InputStream in = PrometheusText.class.getResourceAsStream("/prometheus_parse.py")) {
                Files.copy(in, script);
            }
        }
        // Debian's interpreter, where python3-prometheus-client installs; a python3 earlier on PATH (pyenv) lacks it
        String interpreter = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        Process python = new ProcessBuilder(interpreter, script.toString()).start();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(python.getInputStream()));
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(python.getErrorStream()));
        try (OutputStream in = python.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
        if (!python.waitFor(60, TimeUnit.SECONDS)) {
            python.destroyForcibly();
            throw new IOException("the Prometheus parser did not finish in 60 s");
        }
        if (python.exitValue() != 0) {
            throw new IOException("the Prometheus parser refused the text: "
                    + new String(err.join(), StandardCharsets.UTF_8));
        }
        Map<String, Family> families = new LinkedHashMap<>();
        for (JsonNode f : JSON.readTree(out.join())) {
            List<Sample> samples = new java.util.ArrayList<>();
            for (JsonNode s : f.path("samples")) {
                Map<String, String> labels = new LinkedHashMap<>();
                s.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
                samples.add(new Sample(s.path("name").asText(), labels, s.path("value").asDouble()));
            }
            families.put(f.path("name").asText(), new Family(f.path("name").asText(), f.path("type").asText(),
                    samples));
        }
        return new PrometheusText(families);
    }

    private static byte[] readAll(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    Map<String, Family> families() {
        return families;
    }

    /** The family, or null. */
    Family family(String name) {
        return families.get(name);
    }

    /** Sum of the family's samples whose labels include {@code labels} ("k=v" pairs); 0 when none. */
    double sum(String family, String... labels) {
        Family f = families.get(family);
        if (f == null) {
            return 0;
        }
        double total = 0;
        for (Sample s : f.samples()) {
            boolean match = true;
            for (String pair : labels) {
                String[] kv = pair.split("=", 2);
                match &= kv[1].equals(s.labels().get(kv[0]));
            }
            if (match && !s.name().endsWith("_created")) {
                total += s.value();
            }
        }
        return total;
    }
}
