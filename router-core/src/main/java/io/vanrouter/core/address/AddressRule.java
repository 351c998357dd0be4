package io.vanrouter.core.address;

import java.util.Objects;

/**
 * One distribution rule: an address matches by {@code prefix} (plain string prefix) or by {@code pattern}
 * ({@code /}-separated levels; {@code *} matches exactly one level, possibly empty; {@code #}, only as the last level,
 * matches the rest: zero or more levels, so {@code orders/#} also matches {@code orders}; every other level matches
 * itself exactly). Immutable; any thread.
 */
public final class AddressRule {

    /** How the rule's text is read. */
    public enum Kind { PREFIX, PATTERN }

    private final Kind kind;
    private final String text;
    private final Distribution distribution;
    private final String[] levels;

    private AddressRule(Kind kind, String text, Distribution distribution) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.text = Objects.requireNonNull(text, "text");
        this.distribution = Objects.requireNonNull(distribution, "distribution");
        if (kind == Kind.PATTERN) {
            String problem = patternProblem(text);
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
            this.levels = text.split("/", -1);
        } else {
            this.levels = null;
        }
    }

    public static AddressRule prefix(String prefix, Distribution distribution) {
        return new AddressRule(Kind.PREFIX, prefix, distribution);
    }

    public static AddressRule pattern(String pattern, Distribution distribution) {
        return new AddressRule(Kind.PATTERN, pattern, distribution);
    }

    /** Why {@code pattern} is not a valid rule pattern, or {@code null}; for config validation. Never throws. */
    public static String patternProblem(String pattern) {
        if (pattern == null || pattern.isEmpty()) {
            return "empty pattern";
        }
        String[] levels = pattern.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            boolean wild = level.indexOf('*') >= 0 || level.indexOf('#') >= 0;
            if (wild && level.length() != 1) {
                return "'*' and '#' must be a whole level in pattern '" + pattern + "'";
            }
            if (level.equals("#") && i != levels.length - 1) {
                return "'#' must be the last level in pattern '" + pattern + "'";
            }
        }
        return null;
    }

    public Kind kind() {
        return kind;
    }

    public String text() {
        return text;
    }

    public Distribution distribution() {
        return distribution;
    }

    /** Whether {@code address} (a plain address or a published topic) matches this rule. */
    public boolean matches(String address) {
        if (kind == Kind.PREFIX) {
            return address.startsWith(text);
        }
        int start = 0;
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.equals("#")) {
                return true;
            }
            if (start > address.length()) {
                return false;
            }
            int end = address.indexOf('/', start);
            int levelEnd = end < 0 ? address.length() : end;
            if (!level.equals("*") && !address.regionMatches(start, level, 0, level.length())) {
                return false;
            }
            if (!level.equals("*") && levelEnd - start != level.length()) {
                return false;
            }
            start = end < 0 ? address.length() + 1 : end + 1;
        }
        return start > address.length();
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + " " + text + " -> " + distribution;
    }

    /** Same kind, text and distribution: a reload compares rule lists with it. */
    @Override
    public boolean equals(Object o) {
        return o instanceof AddressRule other && kind == other.kind && text.equals(other.text)
                && distribution == other.distribution;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, text, distribution);
    }
}
