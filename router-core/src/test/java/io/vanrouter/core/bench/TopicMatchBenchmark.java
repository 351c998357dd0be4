package io.vanrouter.core.bench;

import io.vanrouter.core.address.TopicFilterIndex;
import io.vanrouter.core.address.TopicFilterIndex.Subscriber;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Matching published topics against a {@link TopicFilterIndex} of {@code filters} filters spread over 8 routers:
 * 70% exact ({@code fleet/r3/site/41/dev/7/temp}), 20% with one {@code +}, 10% ending in {@code #}. Topics are drawn
 * from the same space, so most of them match several filters. Also measures one persistent update (add + remove).
 * Run with {@code bench/topic-match.sh}; numbers in docs/benchmarks.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TopicMatchBenchmark {

    private static final String[] METRICS = {"temp", "rpm", "volt", "load", "door", "gps"};
    private static final int TOPICS = 4096;

    @Param({"100000"})
    public int filters;

    private TopicFilterIndex index;
    private String[] topics;
    private int next;
    private final Subscriber extra = new Subscriber("R-bench", null);

    @Setup
    public void setUp() {
        Random random = new Random(1);
        TopicFilterIndex built = TopicFilterIndex.empty();
        int sites = Math.max(1, filters / 200);
        for (int i = 0; i < filters; i++) {
            Subscriber subscriber = new Subscriber("R-" + random.nextInt(8), random.nextInt(10) == 0 ? "g" : null);
            built = built.with(filter(random, sites), subscriber, 1);
        }
        index = built;
        topics = new String[TOPICS];
        for (int i = 0; i < TOPICS; i++) {
            topics[i] = "fleet/r" + random.nextInt(20) + "/site/" + random.nextInt(sites) + "/dev/"
                    + random.nextInt(40) + "/" + METRICS[random.nextInt(METRICS.length)];
        }
    }

    private static String filter(Random random, int sites) {
        String region = "r" + random.nextInt(20);
        String site = Integer.toString(random.nextInt(sites));
        String dev = Integer.toString(random.nextInt(40));
        String metric = METRICS[random.nextInt(METRICS.length)];
        int kind = random.nextInt(10);
        if (kind < 7) {
            return "fleet/" + region + "/site/" + site + "/dev/" + dev + "/" + metric;
        }
        if (kind < 9) {
            return random.nextBoolean() ? "fleet/" + region + "/site/" + site + "/dev/+/" + metric
                    : "fleet/+/site/" + site + "/dev/" + dev + "/" + metric;
        }
        return random.nextBoolean() ? "fleet/" + region + "/site/" + site + "/#" : "fleet/" + region + "/#";
    }

    @Benchmark
    public void match(Blackhole blackhole) {
        String topic = topics[next++ & (TOPICS - 1)];
        index.match(topic, blackhole::consume);
    }

    @Benchmark
    public TopicFilterIndex addThenRemove() {
        String topic = topics[next++ & (TOPICS - 1)];
        return index.with(topic, extra, 1).with(topic, extra, 0);
    }

    public int size() {
        return index.size();
    }
}
