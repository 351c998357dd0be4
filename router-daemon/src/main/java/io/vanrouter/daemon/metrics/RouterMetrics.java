package io.vanrouter.daemon.metrics;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.io.OutputStream;

/**
 * One router's Prometheus registry: the {@code vanrouter_*} families ({@link RouterCollector}), followed by the JVM's
 * (heap, buffer pools, GC, threads, classes: the Prometheus client's JVM instrumentation), written in the Prometheus
 * text format (0.0.4) by the client's own writer. Each router in a JVM has its own registry; the JVM families are
 * registered once per JVM and every router's scrape repeats them.
 *
 * <p>The JVM families are registered at the first scrape, not at start: a router nobody scrapes loads none of the
 * management classes behind them. Two of the client's JVM collectors are left out: the native memory one starts the
 * platform MBean server (about 600 classes, 3 MiB of metaspace and symbols) to ask for Native Memory Tracking,
 * which is off in production; the pool allocation one listens to every collection's GC notification
 * (docs/benchmarks.md, "Memory holding 1,000 connections").
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
    }

    /** Writes every family in the Prometheus text format. */
    public void write(OutputStream out) throws IOException {
        MetricSnapshots.Builder all = MetricSnapshots.builder();
        for (MetricSnapshot family : registry.scrape()) {
            all.metricSnapshot(family);
        }
        for (MetricSnapshot family : Jvm.REGISTRY.scrape()) {
            all.metricSnapshot(family);
        }
        writer.write(out, all.build());
    }

    /**
     * The JVM families, registered on first use (the first scrape loads this class). Per router they would add GC notification listeners that are never
     * removed, once for each of the many edge routers one process can host ({@code run --config a --config b}).
     */
    private static final class Jvm {
        static final PrometheusRegistry REGISTRY = new PrometheusRegistry();

        static {
            // Not JvmMetrics: without its native memory and pool allocation collectors (see the class comment).
            JvmThreadsMetrics.builder().register(REGISTRY);
            JvmBufferPoolMetrics.builder().register(REGISTRY);
            JvmClassLoadingMetrics.builder().register(REGISTRY);
            JvmCompilationMetrics.builder().register(REGISTRY);
            JvmGarbageCollectorMetrics.builder().register(REGISTRY);
            JvmMemoryMetrics.builder().register(REGISTRY);
            JvmRuntimeInfoMetric.builder().register(REGISTRY);
            ProcessMetrics.builder().register(REGISTRY);
        }
    }
}
