package io.vanrouter.daemon.metrics;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * One metric family being collected: points keyed by label values, summed when two points share them (so a caller
 * never builds a family with duplicate label sets). Every family carries the {@code router} label first. One label
 * may be capped: past {@code cap} distinct values (in sorted order) the rest are summed under {@link #OTHER}.
 *
 * <p>Built and dropped within one scrape; one thread.
 */
final class Family {
    /** The label value that stands for every value past a family's cap. */
    static final String OTHER = "(other)";

    enum Type { COUNTER, GAUGE }

    private final Type type;
    private final String name;
    private final String help;
    private final String[] labelNames;
    private final Map<List<String>, Double> points = new LinkedHashMap<>();
    private int cappedLabel = -1;
    private int cap;

    /**
     * @param name a counter's name without {@code _total} (the text format adds it), units last
     * @param labelNames labels besides {@code router}
     */
    Family(Type type, String name, String help, String... labelNames) {
        this.type = type;
        this.name = name;
        this.help = help;
        this.labelNames = labelNames;
    }

    static Family counter(String name, String help, String... labelNames) {
        return new Family(Type.COUNTER, name, help, labelNames);
    }

    static Family gauge(String name, String help, String... labelNames) {
        return new Family(Type.GAUGE, name, help, labelNames);
    }

    /** Caps the distinct values of {@code label} at {@code max}; the rest are summed under {@link #OTHER}. */
    Family cap(String label, int max) {
        cappedLabel = Arrays.asList(labelNames).indexOf(label);
        if (cappedLabel < 0) {
            throw new IllegalArgumentException(name + " has no label " + label);
        }
        cap = max;
        return this;
    }

    /** Adds {@code value} to the point with these label values (null is written as an empty value). */
    Family add(double value, String... labelValues) {
        if (labelValues.length != labelNames.length) {
            throw new IllegalArgumentException(name + ": " + labelNames.length + " label values expected");
        }
        List<String> key = new ArrayList<>(labelValues.length);
        for (String value1 : labelValues) {
            key.add(value1 == null ? "" : value1);
        }
        points.merge(key, value, Double::sum);
        return this;
    }

    boolean isEmpty() {
        return points.isEmpty();
    }

    MetricSnapshot build(String router) {
        Map<List<String>, Double> capped = cappedLabel < 0 ? points : applyCap();
        String[] names = new String[labelNames.length + 1];
        names[0] = "router";
        System.arraycopy(labelNames, 0, names, 1, labelNames.length);
        if (type == Type.COUNTER) {
            CounterSnapshot.Builder builder = CounterSnapshot.builder().name(name).help(help);
            capped.forEach((values, value) -> builder.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                    .labels(labels(names, router, values)).value(value).build()));
            return builder.build();
        }
        GaugeSnapshot.Builder builder = GaugeSnapshot.builder().name(name).help(help);
        capped.forEach((values, value) -> builder.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                .labels(labels(names, router, values)).value(value).build()));
        return builder.build();
    }

    private Map<List<String>, Double> applyCap() {
        TreeSet<String> distinct = new TreeSet<>();
        points.keySet().forEach(key -> distinct.add(key.get(cappedLabel)));
        if (distinct.size() <= cap) {
            return points;
        }
        TreeSet<String> kept = new TreeSet<>();
        for (String value : distinct) {
            if (kept.size() == cap) {
                break;
            }
            kept.add(value);
        }
        Map<List<String>, Double> result = new LinkedHashMap<>();
        points.forEach((key, value) -> {
            List<String> target = key;
            if (!kept.contains(key.get(cappedLabel))) {
                target = new ArrayList<>(key);
                target.set(cappedLabel, OTHER);
            }
            result.merge(target, value, Double::sum);
        });
        return result;
    }

    private static Labels labels(String[] names, String router, List<String> values) {
        String[] all = new String[names.length];
        all[0] = router;
        for (int i = 0; i < values.size(); i++) {
            all[i + 1] = values.get(i);
        }
        return Labels.of(names, all);
    }
}
