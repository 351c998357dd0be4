package io.vanrouter.daemon.config;

import java.nio.file.Path;
import java.util.List;

/** A configuration that cannot be used; carries every problem found, in line order. */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Path source;
    private final transient List<ConfigProblem> problems;

    public ConfigException(Path source, List<ConfigProblem> problems) {
        super(describe(source, problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        this.source = source;
        this.problems = List.copyOf(problems);
    }

    /** The file the problems are in; null when the text did not come from a file. */
    public Path source() {
        return source;
    }

    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String describe(Path source, List<ConfigProblem> problems) {
        StringBuilder sb = new StringBuilder();
        sb.append(problems.size()).append(problems.size() == 1 ? " problem" : " problems");
        sb.append(" in ").append(source == null ? "configuration" : source.toString()).append(':');
        for (ConfigProblem problem : problems) {
            sb.append(System.lineSeparator()).append("  ").append(problem);
        }
        return sb.toString();
    }
}
