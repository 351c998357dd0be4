package io.vanrouter.daemon.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import com.fasterxml.jackson.dataformat.yaml.snakeyaml.error.MarkedYAMLException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads YAML text into a tree of {@link YamlNode}s with line and column of every node, using Jackson's streaming YAML
 * parser (databind would stop at the first problem and forget positions). Duplicate keys and aliases are reported as
 * problems; a syntax error ends reading with one problem at its line.
 */
final class YamlReader {
    /** Deeper documents are refused: the schema is three levels deep, so this is only a guard. */
    static final int MAX_DEPTH = 32;

    private static final YAMLFactory FACTORY = YAMLFactory.builder().build();

    private final Problems problems;

    YamlReader(Problems problems) {
        this.problems = problems;
    }

    /**
     * Parses one YAML document.
     *
     * @return the root node, or null when the document is empty (problem added) or has a syntax error (problem added)
     */
    YamlNode read(String text) {
        try (JsonParser parser = FACTORY.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null || first == JsonToken.VALUE_NULL) {
                problems.add("", 1, 1, "the configuration is empty");
                return null;
            }
            return readValue(parser, "", 0);
        } catch (StreamReadException e) {
            JsonLocation at = e.getLocation();
            int line = at == null ? 0 : Math.max(at.getLineNr(), 0);
            int column = at == null ? 0 : Math.max(at.getColumnNr(), 0);
            problems.add("", line, column, "YAML syntax error: " + syntaxMessage(e));
            return null;
        } catch (org.yaml.snakeyaml.error.YAMLException e) {
            // SnakeYAML limits (document size, nesting) surface unwrapped
            problems.add("", 0, 0, "YAML error: " + e.getMessage());
            return null;
        } catch (IOException e) {
            problems.add("", 0, 0, "cannot read YAML: " + e.getMessage());
            return null;
        }
    }

    private YamlNode readValue(JsonParser parser, String path, int depth) throws IOException {
        JsonLocation at = parser.currentTokenLocation();
        int line = at.getLineNr();
        int column = at.getColumnNr();
        if (depth > MAX_DEPTH) {
            throw new JsonParseException(parser, "nested deeper than " + MAX_DEPTH + " levels");
        }
        JsonToken token = parser.currentToken();
        if (token == JsonToken.START_OBJECT) {
            return readMapping(parser, path, depth, line, column);
        }
        if (token == JsonToken.START_ARRAY) {
            List<YamlNode> items = new ArrayList<>();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                items.add(readValue(parser, path + "[" + items.size() + "]", depth + 1));
            }
            return new YamlNode.Sequence(Collections.unmodifiableList(items), line, column);
        }
        if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
            problems.add(path, line, column, "YAML aliases (*" + parser.getText() + ") are not supported");
        }
        String text = switch (token) {
            case VALUE_NULL -> "";
            // YAML allows 0x1F, 0o17, 1_000: keep the value in plain decimal
            case VALUE_NUMBER_INT -> parser.getBigIntegerValue().toString();
            default -> parser.getText();
        };
        return new YamlNode.Scalar(token, text, line, column);
    }

    private YamlNode readMapping(JsonParser parser, String path, int depth, int line, int column) throws IOException {
        Map<String, YamlNode.Entry> entries = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            JsonLocation keyAt = parser.currentTokenLocation();
            String key = parser.currentName();
            String keyPath = path.isEmpty() ? key : path + "." + key;
            parser.nextToken();
            YamlNode value = readValue(parser, keyPath, depth + 1);
            if (entries.containsKey(key)) {
                problems.add(keyPath, keyAt.getLineNr(), keyAt.getColumnNr(),
                        "duplicate key (first at line " + entries.get(key).line() + ")");
                continue;
            }
            entries.put(key, new YamlNode.Entry(key, keyAt.getLineNr(), keyAt.getColumnNr(), value));
        }
        return new YamlNode.Mapping(Collections.unmodifiableMap(entries), line, column);
    }

    private static String syntaxMessage(StreamReadException e) {
        if (e instanceof MarkedYAMLException marked && marked.getProblem() != null) {
            return marked.getProblem();
        }
        String message = e.getOriginalMessage();
        if (message == null) {
            return e.getClass().getSimpleName();
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
