package io.vanrouter.core.address;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Immutable, persistent trie of MQTT topic filters, one level per {@code /}-separated segment, mapping each filter to
 * the subscribers holding it: (router, shared group or {@code null}) with a consumer count. Any thread.
 *
 * <p>{@link #with} returns a new index that shares every untouched subtree with this one (path copying), so the core
 * thread can publish a new index after each change without rebuilding it, and readers never lock.
 *
 * <p>Matching follows MQTT 3.1.1/5: {@code +} matches exactly one level (possibly empty); {@code #} matches the rest,
 * including the parent level ({@code sport/#} matches {@code sport}); a topic whose first level starts with {@code $}
 * is not matched by a filter whose first level is a wildcard. Cost of {@link #match} is proportional to the number of
 * trie nodes on the matching paths (at most three lookups per level per path), not to the number of filters.
 */
public final class TopicFilterIndex {

    /** Who holds a filter: a router, and the shared-subscription group or {@code null} for a plain subscription. */
    public record Subscriber(String router, String group) {
        public Subscriber {
            Objects.requireNonNull(router, "router");
        }
    }

    /** A filter that matched, with its subscribers and their consumer counts (immutable). */
    public record Match(String filter, Map<Subscriber, Integer> subscribers) {
    }

    private static final String PLUS = "+";
    private static final String HASH = "#";
    private static final Node EMPTY_NODE = new Node(new HashMap<>(), null);
    private static final TopicFilterIndex EMPTY = new TopicFilterIndex(EMPTY_NODE, 0);

    private final Node root;
    private final int filterCount;

    private TopicFilterIndex(Node root, int filterCount) {
        this.root = root;
        this.filterCount = filterCount;
    }

    public static TopicFilterIndex empty() {
        return EMPTY;
    }

    /** Number of distinct filters with at least one subscriber. */
    public int size() {
        return filterCount;
    }

    /**
     * A new index where {@code subscriber} holds {@code filter} with {@code count} consumers; a count of 0 or less
     * removes it. {@code filter} must be a valid filter ({@link Address#problem}).
     */
    public TopicFilterIndex with(String filter, Subscriber subscriber, int count) {
        Objects.requireNonNull(subscriber, "subscriber");
        String[] levels = filter.split("/", -1);
        boolean had = find(levels) != null;
        Node newRoot = put(root, levels, 0, filter, subscriber, count);
        boolean has = findIn(newRoot, levels) != null;
        int newCount = filterCount + (has ? 1 : 0) - (had ? 1 : 0);
        return newRoot == root ? this : new TopicFilterIndex(newRoot, newCount);
    }

    /** The subscribers of exactly {@code filter} (not matching), empty if none. */
    public Map<Subscriber, Integer> subscribersOf(String filter) {
        Match match = find(filter.split("/", -1));
        return match == null ? Map.of() : match.subscribers();
    }

    /** Every filter matching published topic {@code topic}; each appears once. */
    public List<Match> match(String topic) {
        List<Match> out = new ArrayList<>(4);
        match(topic, out::add);
        return out;
    }

    /** Calls {@code sink} once for every filter matching published topic {@code topic}. */
    public void match(String topic, Consumer<Match> sink) {
        boolean dollar = !topic.isEmpty() && topic.charAt(0) == '$';
        descend(root, topic, 0, dollar, sink);
    }

    /** Calls {@code sink} for every filter in the index, in no particular order. */
    public void forEach(Consumer<Match> sink) {
        walk(root, sink);
    }

    private static void descend(Node node, String topic, int start, boolean dollarFirst, Consumer<Match> sink) {
        boolean first = start == 0;
        boolean wildOk = !(first && dollarFirst);
        HashMap<String, Node> children = node.children;
        if (wildOk) {
            Node hash = children.get(HASH);
            if (hash != null && hash.terminal != null) {
                sink.accept(hash.terminal);
            }
        }
        if (start > topic.length()) {
            if (node.terminal != null) {
                sink.accept(node.terminal);
            }
            return;
        }
        if (children.isEmpty()) {
            return;
        }
        int end = topic.indexOf('/', start);
        int levelEnd = end < 0 ? topic.length() : end;
        int next = end < 0 ? topic.length() + 1 : end + 1;
        Node literal = children.get(topic.substring(start, levelEnd));
        if (literal != null) {
            descend(literal, topic, next, dollarFirst, sink);
        }
        if (wildOk) {
            Node plus = children.get(PLUS);
            if (plus != null) {
                descend(plus, topic, next, dollarFirst, sink);
            }
        }
    }

    private Match find(String[] levels) {
        return findIn(root, levels);
    }

    private static Match findIn(Node node, String[] levels) {
        for (String level : levels) {
            node = node.children.get(level);
            if (node == null) {
                return null;
            }
        }
        return node.terminal;
    }

    private static Node put(Node node, String[] levels, int i, String filter, Subscriber subscriber, int count) {
        if (i == levels.length) {
            Map<Subscriber, Integer> subs = node.terminal == null ? new HashMap<>() : new HashMap<>(
                    node.terminal.subscribers());
            Integer old = count > 0 ? subs.put(subscriber, count) : subs.remove(subscriber);
            if (count > 0 ? Integer.valueOf(count).equals(old) : old == null) {
                return node;
            }
            Match terminal = subs.isEmpty() ? null : new Match(filter, Map.copyOf(subs));
            return new Node(node.children, terminal);
        }
        Node child = node.children.getOrDefault(levels[i], EMPTY_NODE);
        Node newChild = put(child, levels, i + 1, filter, subscriber, count);
        if (newChild == child) {
            return node;
        }
        HashMap<String, Node> children = new HashMap<>(node.children);
        if (newChild.isEmpty()) {
            children.remove(levels[i]);
        } else {
            children.put(levels[i], newChild);
        }
        return new Node(children, node.terminal);
    }

    private static void walk(Node node, Consumer<Match> sink) {
        if (node.terminal != null) {
            sink.accept(node.terminal);
        }
        for (Node child : node.children.values()) {
            walk(child, sink);
        }
    }

    /**
     * A trie node; never mutated after construction (its children map is never written again). Always a HashMap,
     * so the lookup call site stays monomorphic.
     */
    private static final class Node {
        final HashMap<String, Node> children;
        final Match terminal;

        Node(HashMap<String, Node> children, Match terminal) {
            this.children = children;
            this.terminal = terminal;
        }

        boolean isEmpty() {
            return terminal == null && children.isEmpty();
        }
    }
}
