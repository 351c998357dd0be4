package io.vanrouter.daemon.metrics;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;

/**
 * One router's Prometheus registry: the {@code vanrouter_*} families ({@link RouterCollector}) and the JVM's (heap,
 * buffer pools, GC, threads, classes: the Prometheus client's JVM instrumentation), written in the Prometheus text
 * format (0.0.4) by the client's own writer. Each router in a JVM has its own registry (the demo runs three), so the
 * JVM families repeat per router there.
 *
 * <p>Any thread; a scrape reads counters and snapshots only.
 */
public final class RouterMetrics {
    /** {@code text/plain; version=0.0.4; charset=utf-8}. */
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    public RouterMetrics(MetricSources sources) {
        registry.register(new RouterCollector(sources));
        JvmMetrics.builder().register(registry);
    }

    /** Writes every family in the Prometheus text format. */
    public void write(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }
}
