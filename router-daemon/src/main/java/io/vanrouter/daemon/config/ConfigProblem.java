package io.vanrouter.daemon.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One problem found in a configuration file.
 *
 * @param path    YAML path of the offending node, e.g. {@code peers[1].port}; empty for the whole document
 * @param line    1-based line, or 0 when not known (e.g. the file cannot be read)
 * @param column  1-based column, or 0 when not known
 * @param message what is wrong, e.g. {@code must be 1..65535, got 70000}
 */
public record ConfigProblem(String path, int line, int column, String message) {

    public ConfigProblem {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }

    /** The form {@code check-config} prints: {@code FILE:LINE: path: message}. */
    public String format(Path file) {
        StringBuilder sb = new StringBuilder();
        sb.append(file == null ? "<config>" : file.toString());
        if (line > 0) {
            sb.append(':').append(line);
        }
        sb.append(": ");
        if (!path.isEmpty()) {
            sb.append(path).append(": ");
        }
        return sb.append(message).toString();
    }

    /** {@code peers[1].port (line 12): must be 1..65535, got 70000}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(path);
        if (line > 0) {
            sb.append(sb.length() == 0 ? "" : " ").append("(line ").append(line).append(')');
        }
        return sb.append(sb.length() == 0 ? "" : ": ").append(message).toString();
    }
}
