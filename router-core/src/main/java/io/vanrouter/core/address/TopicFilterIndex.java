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
 * thread can publish a new index after each change without rebuilding it, and readers never lock. Many changes in a
 * row go through an {@link Editor}, which copies each node at most once until its next {@link Editor#snapshot}: path
 * copying alone costs the width of every level on the path, so one filter per device under one parent
 * ({@code devices/<id>/cmd}) made adding n filters cost n²/2 map entries.
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
    private static final Node EMPTY_NODE = new Node(null, new HashMap<>(), null);
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
        Editor editor = edit();
        editor.put(filter, subscriber, count);
        return editor.snapshot();
    }

    /** An editor starting from this index; this index itself never changes. */
    public Editor edit() {
        return new Editor(this);
    }

    /**
     * Applies many changes to an index, copying each trie node at most once between snapshots: nodes it created since
     * the last {@link #snapshot} belong to it and are changed in place; every other node is shared with published
     * indexes and copied before its first change. Single-threaded: one owner (the core thread) at a time.
     */
    public static final class Editor {
        private Node root;
        private int filterCount;
        /** Marks the nodes this editor may still change; replaced by {@link #snapshot}, which freezes them all. */
        private Object token = new Object();
        private TopicFilterIndex last;

        private Editor(TopicFilterIndex from) {
            this.root = from.root;
            this.filterCount = from.filterCount;
            this.last = from;
        }

        /** As {@link TopicFilterIndex#with}, on this editor's working copy. */
        public void put(String filter, Subscriber subscriber, int count) {
            Objects.requireNonNull(subscriber, "subscriber");
            String[] levels = filter.split("/", -1);
            root = put(root, levels, 0, filter, subscriber, count);
        }

        /** Number of distinct filters in the working copy. */
        public int size() {
            return filterCount;
        }

        /**
         * As {@link TopicFilterIndex#match}, on the working copy. Not safe against a concurrent {@link #put}: an owner
         * that reads from other threads guards both with a read-write lock (and then need never snapshot).
         */
        public void match(String topic, Consumer<Match> sink) {
            matchIn(root, topic, sink);
        }

        /** As {@link TopicFilterIndex#subscribersOf}, on the working copy; same caveat as {@link #match}. */
        public Map<Subscriber, Integer> subscribersOf(String filter) {
            return subscribersIn(root, filter);
        }

        /**
         * The working copy as an immutable index (the previous one when nothing changed). The editor goes on from it;
         * nodes it changes next are copied first, so the returned index never changes.
         */
        public TopicFilterIndex snapshot() {
            if (root != last.root) {
                last = new TopicFilterIndex(root, filterCount);
                token = new Object();
            }
            return last;
        }

        private Node put(Node node, String[] levels, int i, String filter, Subscriber subscriber, int count) {
            if (i == levels.length) {
                Match terminal = withSubscriber(node.terminal, filter, subscriber, count);
                if (terminal == node.terminal) {
                    return node;
                }
                filterCount += (terminal != null ? 1 : 0) - (node.terminal != null ? 1 : 0);
                Node target = owned(node);
                target.terminal = terminal;
                return target;
            }
            Node child = node.children.getOrDefault(levels[i], EMPTY_NODE);
            Node newChild = put(child, levels, i + 1, filter, subscriber, count);
            if (newChild == child && !child.isEmpty()) {
                return node;
            }
            if (newChild.isEmpty() && !node.children.containsKey(levels[i])) {
                return node; // removing what was never there
            }
            Node target = owned(node);
            if (newChild.isEmpty()) {
                target.children.remove(levels[i]);
            } else {
                target.children.put(levels[i], newChild);
            }
            return target;
        }

        /** {@code node} itself when this editor created it since the last snapshot, else a copy that it owns. */
        private Node owned(Node node) {
            return node.owner == token ? node : new Node(token, new HashMap<>(node.children), node.terminal);
        }

        /** The terminal with {@code subscriber} at {@code count} (removed at 0), or {@code terminal} if unchanged. */
        private static Match withSubscriber(Match terminal, String filter, Subscriber subscriber, int count) {
            Map<Subscriber, Integer> subs = terminal == null ? new HashMap<>() : new HashMap<>(terminal.subscribers());
            Integer old = count > 0 ? subs.put(subscriber, count) : subs.remove(subscriber);
            if (count > 0 ? Integer.valueOf(count).equals(old) : old == null) {
                return terminal;
            }
            return subs.isEmpty() ? null : new Match(filter, Map.copyOf(subs));
        }
    }

    /** The subscribers of exactly {@code filter} (not matching), empty if none. */
    public Map<Subscriber, Integer> subscribersOf(String filter) {
        return subscribersIn(root, filter);
    }

    /** Every filter matching published topic {@code topic}; each appears once. */
    public List<Match> match(String topic) {
        List<Match> out = new ArrayList<>(4);
        match(topic, out::add);
        return out;
    }

    /** Calls {@code sink} once for every filter matching published topic {@code topic}. */
    public void match(String topic, Consumer<Match> sink) {
        matchIn(root, topic, sink);
    }

    private static void matchIn(Node root, String topic, Consumer<Match> sink) {
        boolean dollar = !topic.isEmpty() && topic.charAt(0) == '$';
        descend(root, topic, 0, dollar, sink);
    }

    private static Map<Subscriber, Integer> subscribersIn(Node root, String filter) {
        Match match = findIn(root, filter.split("/", -1));
        return match == null ? Map.of() : match.subscribers();
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

    private static Match findIn(Node node, String[] levels) {
        for (String level : levels) {
            node = node.children.get(level);
            if (node == null) {
                return null;
            }
        }
        return node.terminal;
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
     * A trie node. Changed only by the {@link Editor} whose token it carries, and only until that editor's next
     * snapshot; after that, never again (readers get it through a published index). Always a HashMap, so the lookup
     * call site stays monomorphic.
     */
    private static final class Node {
        final Object owner;
        final HashMap<String, Node> children;
        Match terminal;

        Node(Object owner, HashMap<String, Node> children, Match terminal) {
            this.owner = owner;
            this.children = children;
            this.terminal = terminal;
        }

        boolean isEmpty() {
            return terminal == null && children.isEmpty();
        }
    }
}
