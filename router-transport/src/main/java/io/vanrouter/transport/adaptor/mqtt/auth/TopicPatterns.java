package io.vanrouter.transport.adaptor.mqtt.auth;

import io.vanrouter.core.address.Address;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The topics a user may publish to or subscribe to, as MQTT topic filters ({@code +} one level, {@code #} the rest).
 * A published topic is allowed when a pattern matches it; a subscription filter when a pattern covers every topic it
 * could match ({@code sensors/+/temp} is covered by {@code sensors/#}, not by {@code sensors/a/temp}). No pattern
 * allows nothing; {@code #} allows everything. Checks allocate nothing. Immutable; any thread.
 */
public final class TopicPatterns {
    public static final TopicPatterns ALL = of(List.of("#"));
    public static final TopicPatterns NONE = of(List.of());

    private final List<String> patterns;
    private final String[][] levels;

    private TopicPatterns(List<String> patterns) {
        this.patterns = List.copyOf(patterns);
        this.levels = new String[patterns.size()][];
        for (int i = 0; i < levels.length; i++) {
            levels[i] = patterns.get(i).split("/", -1);
        }
    }

    /**
     * @throws IllegalArgumentException naming the first pattern that is not a valid MQTT topic filter
     */
    public static TopicPatterns of(List<String> patterns) {
        List<String> checked = new ArrayList<>(patterns.size());
        for (String pattern : patterns) {
            Objects.requireNonNull(pattern, "pattern");
            try {
                Address.topicFilter(pattern);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("topic pattern '" + pattern + "': " + e.getMessage());
            }
            checked.add(pattern);
        }
        return new TopicPatterns(checked);
    }

    public List<String> patterns() {
        return patterns;
    }

    /** Whether a PUBLISH to {@code topic} (no wildcards) is allowed. */
    public boolean allowsPublish(String topic) {
        return anyCovers(topic);
    }

    /**
     * Whether a SUBSCRIBE to {@code subscription} is allowed: for {@code $share/G/F}, the filter F is checked.
     */
    public boolean allowsSubscribe(String subscription) {
        String filter = subscription;
        if (subscription.startsWith("$share/")) {
            int slash = subscription.indexOf('/', "$share/".length());
            if (slash < 0) {
                return false;
            }
            filter = subscription.substring(slash + 1);
        }
        return anyCovers(filter);
    }

    private boolean anyCovers(String filter) {
        for (String[] pattern : levels) {
            if (covers(pattern, filter)) {
                return true;
            }
        }
        return false;
    }

    /** Whether every topic {@code filter} matches is matched by {@code pattern} (a topic is a filter of itself). */
    static boolean covers(String[] pattern, String filter) {
        int length = filter.length();
        int start = 0;
        for (String level : pattern) {
            if (level.equals("#")) {
                return true; // also covers the parent level: 'a/#' matches 'a'
            }
            if (start > length) {
                return false; // the filter ended before the pattern
            }
            int end = filter.indexOf('/', start);
            if (end < 0) {
                end = length;
            }
            int width = end - start;
            boolean wildcard = width == 1 && (filter.charAt(start) == '#' || filter.charAt(start) == '+');
            if (level.equals("+")) {
                if (wildcard && filter.charAt(start) == '#') {
                    return false;
                }
            } else if (wildcard || width != level.length() || !filter.regionMatches(start, level, 0, width)) {
                return false;
            }
            start = end + 1;
        }
        return start > length; // and the pattern ended with the filter
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TopicPatterns other && patterns.equals(other.patterns);
    }

    @Override
    public int hashCode() {
        return patterns.hashCode();
    }

    @Override
    public String toString() {
        return patterns.toString();
    }
}
