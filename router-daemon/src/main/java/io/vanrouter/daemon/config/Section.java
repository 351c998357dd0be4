package io.vanrouter.daemon.config;

import com.fasterxml.jackson.core.JsonToken;
import java.math.BigInteger;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads typed fields out of one YAML mapping, adding a problem for each missing, mistyped or out-of-range value. Every
 * getter returns null when the key is absent or its value is invalid, so callers fall back to the default and carry
 * on; {@link #isInvalid(String)} tells the two apart for cross-field checks.
 */
final class Section {
    private final YamlNode.Mapping mapping;
    private final String path;
    private final YamlNode at;
    private final Problems problems;
    private final Set<String> invalid = new HashSet<>();

    private Section(YamlNode.Mapping mapping, String path, YamlNode at, Problems problems) {
        this.mapping = mapping;
        this.path = path;
        this.at = at;
        this.problems = problems;
    }

    /**
     * A section over {@code node}; when the node is not a mapping a problem is added and an empty section returned,
     * so that required keys are not reported a second time.
     *
     * @return null when node is not a mapping
     */
    static Section of(YamlNode node, String path, Problems problems) {
        if (node instanceof YamlNode.Mapping mapping) {
            return new Section(mapping, path, node, problems);
        }
        problems.add(path, node, "must be a mapping, got " + node.describe());
        return null;
    }

    String path() {
        return path;
    }

    YamlNode node() {
        return at;
    }

    String pathOf(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** The value of key, or null when absent or written as an empty value ({@code key:}). */
    YamlNode value(String key) {
        YamlNode.Entry entry = mapping.entries().get(key);
        if (entry == null || entry.value() instanceof YamlNode.Scalar s && s.isNull()) {
            return null;
        }
        return entry.value();
    }

    boolean isInvalid(String key) {
        return invalid.contains(key);
    }

    /** Adds a problem for a required key that is absent, at the position of this section. */
    void requirePresent(String key) {
        YamlNode.Entry entry = mapping.entries().get(key);
        if (entry == null) {
            problems.add(pathOf(key), at, "is required");
            invalid.add(key);
        } else if (value(key) == null) {
            problems.add(pathOf(key), entry.line(), entry.column(), "is required, got an empty value");
            invalid.add(key);
        }
    }

    /** A scalar read as text; integers are accepted (an id of {@code 42} is "42"), mappings and lists are not. */
    String string(String key, boolean required) {
        if (required) {
            requirePresent(key);
        }
        YamlNode node = value(key);
        if (node == null) {
            return null;
        }
        if (node instanceof YamlNode.Scalar scalar && !scalar.isBoolean()) {
            return scalar.text();
        }
        return fail(key, node, "must be a string, got " + node.describe());
    }

    /** An integer in {@code min..max}. */
    Long integer(String key, long min, long max, boolean required) {
        if (required) {
            requirePresent(key);
        }
        YamlNode node = value(key);
        if (node == null) {
            return null;
        }
        if (!(node instanceof YamlNode.Scalar scalar) || !scalar.isInteger()) {
            return fail(key, node, "must be an integer, got " + node.describe());
        }
        BigInteger value = new BigInteger(scalar.text());
        if (value.compareTo(BigInteger.valueOf(min)) < 0 || value.compareTo(BigInteger.valueOf(max)) > 0) {
            return fail(key, node, "must be " + min + ".." + max + ", got " + scalar.text());
        }
        return value.longValueExact();
    }

    Boolean bool(String key) {
        YamlNode node = value(key);
        if (node == null) {
            return null;
        }
        if (node instanceof YamlNode.Scalar scalar && scalar.isBoolean()) {
            return scalar.token() == JsonToken.VALUE_TRUE;
        }
        return fail(key, node, "must be true or false, got " + node.describe());
    }

    /** The list under key; null (with a problem) when it is something else. */
    List<YamlNode> list(String key) {
        YamlNode node = value(key);
        if (node == null) {
            return null;
        }
        if (node instanceof YamlNode.Sequence sequence) {
            return sequence.items();
        }
        return fail(key, node, "must be a list, got " + node.describe());
    }

    /** A problem about key's value found by the caller (e.g. a rule on a string). */
    void problem(String key, String message) {
        YamlNode node = value(key);
        problems.add(pathOf(key), node == null ? at : node, message);
        invalid.add(key);
    }

    /** Reports every key not in {@code known}, suggesting the closest known key. */
    void rejectUnknown(List<String> known) {
        for (YamlNode.Entry entry : mapping.entries().values()) {
            if (!known.contains(entry.key())) {
                String suggestion = Suggestions.closest(entry.key(), known);
                String hint = suggestion == null ? "; known keys: " + String.join(", ", known)
                        : "; did you mean '" + suggestion + "'?";
                problems.add(pathOf(entry.key()), entry.line(), entry.column(),
                        "unknown key '" + entry.key() + "'" + hint);
            }
        }
    }

    private <T> T fail(String key, YamlNode node, String message) {
        problems.add(pathOf(key), node, message);
        invalid.add(key);
        return null;
    }
}
