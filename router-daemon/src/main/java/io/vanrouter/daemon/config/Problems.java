package io.vanrouter.daemon.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects problems while a document is read and validated. Not thread-safe; one per load. */
final class Problems {
    private final List<ConfigProblem> list = new ArrayList<>();

    void add(String path, int line, int column, String message) {
        list.add(new ConfigProblem(path, line, column, message));
    }

    void add(String path, YamlNode at, String message) {
        add(path, at.line(), at.column(), message);
    }

    /** Whether a problem was found at {@code path}. */
    boolean has(String path) {
        return list.stream().anyMatch(problem -> problem.path().equals(path));
    }

    int count() {
        return list.size();
    }

    boolean isEmpty() {
        return list.isEmpty();
    }

    /** The problems in line order; problems on one line keep the order they were found in. */
    List<ConfigProblem> sorted() {
        List<ConfigProblem> copy = new ArrayList<>(list);
        copy.sort(Comparator.comparingInt(ConfigProblem::line).thenComparingInt(ConfigProblem::column));
        return List.copyOf(copy);
    }
}
