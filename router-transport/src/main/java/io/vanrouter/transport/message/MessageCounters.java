package io.vanrouter.transport.message;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of the message plane, total and per topic (for {@code status addresses}). Per-topic rows are kept for at
 * most {@link #TOPICS_MAX} topics; later topics are counted under {@link #OTHER_TOPICS}. Any thread.
 */
public final class MessageCounters {
    public static final int TOPICS_MAX = 10_000;
    public static final String OTHER_TOPICS = "(other topics)";

    /**
     * Why a message (or a copy) was dropped. {@code LINK_CONGESTED}: a transit copy refused by a next-hop link above
     * its limit ({@code MessageRouter#transitAccepts}).
     */
    public enum Drop { HOP_LIMIT, NO_ROUTE, NO_LINK, QUEUE_FULL, NO_MEMBER, GAVE_UP, LINK_CONGESTED }

    /** One topic's counts; {@code in}: messages received (clients or links), {@code out}: copies sent on. */
    public record TopicCounts(String topic, long in, long out, long dropped) {
    }

    /** One topic's counters, for a caller that counts a message more than once (looked up once: {@link #topic}). */
    public static final class TopicRow {
        final LongAdder in = new LongAdder();
        final LongAdder out = new LongAdder();
        final LongAdder dropped = new LongAdder();

        /** One message received. */
        public void countIn() {
            in.increment();
        }

        /** {@code copies} copies sent on. */
        public void countOut(int copies) {
            if (copies > 0) {
                out.add(copies);
            }
        }
    }

    private final Map<String, TopicRow> topics = new ConcurrentHashMap<>();
    private final Map<Drop, AtomicLong> drops = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> copiesToPeer = new ConcurrentHashMap<>();
    private final AtomicLong resent = new AtomicLong();
    private final AtomicLong acksReceived = new AtomicLong();

    /** The counters of {@code topic} (those of {@link #OTHER_TOPICS} past {@link #TOPICS_MAX} topics). */
    public TopicRow topic(String topic) {
        TopicRow row = topics.get(topic);
        if (row != null) {
            return row;
        }
        if (topics.size() >= TOPICS_MAX) {
            return topics.computeIfAbsent(OTHER_TOPICS, k -> new TopicRow());
        }
        return topics.computeIfAbsent(topic, k -> new TopicRow());
    }

    public void in(String topic) {
        topic(topic).countIn();
    }

    public void out(String topic, int copies) {
        if (copies > 0) { // no row for a topic only ever counted with none
            topic(topic).countOut(copies);
        }
    }

    public void drop(String topic, Drop why) {
        topic(topic).dropped.increment();
        drops.computeIfAbsent(why, k -> new AtomicLong()).incrementAndGet();
    }

    /** One MESSAGE frame written to the link to {@code peerId} (one key per neighbour router). */
    void copyToPeer(String peerId) {
        copiesToPeer.computeIfAbsent(peerId, k -> new LongAdder()).increment();
    }

    /** MESSAGE frames written to the link to neighbour {@code peerId} since start (all topics). */
    public long copiesToPeer(String peerId) {
        LongAdder count = copiesToPeer.get(peerId);
        return count == null ? 0 : count.sum();
    }

    void countResend() {
        resent.incrementAndGet();
    }

    void ackReceived() {
        acksReceived.incrementAndGet();
    }

    public long drops(Drop why) {
        AtomicLong count = drops.get(why);
        return count == null ? 0 : count.get();
    }

    public long totalDrops() {
        return drops.values().stream().mapToLong(AtomicLong::get).sum();
    }

    /** Anycast copies sent again (DUP) after their member or its router was lost. */
    public long resent() {
        return resent.get();
    }

    public long acksReceived() {
        return acksReceived.get();
    }

    public List<TopicCounts> topics() {
        List<TopicCounts> rows = new ArrayList<>();
        topics.forEach((topic, row) -> rows.add(new TopicCounts(topic, row.in.sum(), row.out.sum(),
                row.dropped.sum())));
        rows.sort((a, b) -> a.topic().compareTo(b.topic()));
        return rows;
    }
}
