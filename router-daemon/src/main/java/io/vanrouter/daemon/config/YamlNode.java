package io.vanrouter.daemon.config;

import com.fasterxml.jackson.core.JsonToken;
import java.util.List;
import java.util.Map;

/**
 * A node of a parsed YAML document that remembers where it came from, so that every validation problem can name its
 * line. Built by {@link YamlReader}; immutable.
 */
sealed interface YamlNode permits YamlNode.Scalar, YamlNode.Mapping, YamlNode.Sequence {

    /** 1-based line of the node's first character. */
    int line();

    /** 1-based column of the node's first character. */
    int column();

    /** What the node is, for messages: "a mapping", "a list", "a string"... */
    String describe();

    /** A scalar; {@code token} tells how YAML typed it (string, integer, float, boolean, null). */
    record Scalar(JsonToken token, String text, int line, int column) implements YamlNode {
        boolean isNull() {
            return token == JsonToken.VALUE_NULL;
        }

        boolean isInteger() {
            return token == JsonToken.VALUE_NUMBER_INT;
        }

        boolean isBoolean() {
            return token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE;
        }

        @Override
        public String describe() {
            return switch (token) {
                case VALUE_NULL -> "empty";
                case VALUE_NUMBER_INT -> "the integer " + text;
                case VALUE_NUMBER_FLOAT -> "the number " + text;
                case VALUE_TRUE, VALUE_FALSE -> "the boolean " + text;
                default -> "the string \"" + text + "\"";
            };
        }
    }

    /** A key of a mapping, with the position of the key itself. */
    record Entry(String key, int line, int column, YamlNode value) {
    }

    /** A mapping; {@code entries} keeps document order (a {@link java.util.LinkedHashMap} copy). */
    record Mapping(Map<String, Entry> entries, int line, int column) implements YamlNode {
        @Override
        public String describe() {
            return "a mapping";
        }
    }

    /** A list. */
    record Sequence(List<YamlNode> items, int line, int column) implements YamlNode {
        @Override
        public String describe() {
            return "a list";
        }
    }
}
