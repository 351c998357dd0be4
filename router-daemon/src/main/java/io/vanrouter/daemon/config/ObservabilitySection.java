package io.vanrouter.daemon.config;

import io.vanrouter.daemon.flowlog.FlowLogSettings;
import io.vanrouter.daemon.logging.LoggingSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Validates the {@code logging} and {@code flowLog} sections (docs/configuration.md):
 * <pre>
 * logging: {format: text|json, levels: {vanrouter.link: debug, io.netty: warn}}
 * flowLog: {file: flows.log}      # or {log: true}: to the logger vanrouter.flow
 * </pre>
 */
final class ObservabilitySection {
    static final List<String> LOGGING_KEYS = List.of("format", "levels");
    static final List<String> FLOW_LOG_KEYS = List.of("file", "log");
    /** More per-logger levels than this is a mistake, not a setting. */
    static final int LEVELS_MAX = 256;

    private ObservabilitySection() {
    }

    /** The {@code logging} section, or {@link LoggingSettings#DEFAULT} when absent or invalid. */
    static LoggingSettings logging(Section top, Problems problems) {
        YamlNode node = top.value("logging");
        Section section = node == null ? null : Section.of(node, "logging", problems);
        if (section == null) {
            return LoggingSettings.DEFAULT;
        }
        section.rejectUnknown(LOGGING_KEYS);
        LoggingSettings.Format format = LoggingSettings.Format.TEXT;
        String formatText = section.string("format", false);
        if (formatText != null) {
            try {
                format = LoggingSettings.Format.valueOf(formatText.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                section.problem("format", "must be one of text, json; got '" + formatText + "'");
            }
        }
        Map<String, String> levels = new LinkedHashMap<>();
        YamlNode levelsNode = section.value("levels");
        Section levelSection = levelsNode == null ? null : Section.of(levelsNode, "logging.levels", problems);
        if (levelSection != null && levelsNode instanceof YamlNode.Mapping mapping) {
            if (mapping.entries().size() > LEVELS_MAX) {
                section.problem("levels", "at most " + LEVELS_MAX + " loggers, got " + mapping.entries().size());
            }
            for (YamlNode.Entry entry : mapping.entries().values()) {
                String logger = entry.key();
                String level = levelSection.string(logger, true);
                if (logger.isBlank() || logger.codePoints().anyMatch(Character::isWhitespace)) {
                    problems.add(levelSection.pathOf(logger), entry.line(), entry.column(),
                            "is not a logger name (e.g. vanrouter.link)");
                } else if (level != null && !LoggingSettings.LEVELS.contains(level.toLowerCase(Locale.ROOT))) {
                    levelSection.problem(logger, "must be one of trace, debug, info, warn, error, off; got '"
                            + level + "'");
                } else if (level != null) {
                    levels.put(logger, level.toLowerCase(Locale.ROOT));
                }
            }
        }
        return new LoggingSettings(format, levels);
    }

    /** The {@code flowLog} section, or null when absent (the flow log is off). */
    static FlowLogSettings flowLog(Section top, Path source, Instant filesCheckedAt, Problems problems) {
        YamlNode node = top.value("flowLog");
        Section section = node == null ? null : Section.of(node, "flowLog", problems);
        if (section == null) {
            return null;
        }
        section.rejectUnknown(FLOW_LOG_KEYS);
        String file = section.string("file", false);
        Boolean log = section.bool("log");
        if (section.isInvalid("file") || section.isInvalid("log")) {
            return null;
        }
        boolean toLog = Boolean.TRUE.equals(log);
        if (file != null && toLog) {
            section.problem("log", "give either file or log: true, not both");
            return null;
        }
        if (file == null && !toLog) {
            problems.add("flowLog", section.node(), "needs file: PATH or log: true (remove the section to turn "
                    + "the flow log off)");
            return null;
        }
        if (file == null) {
            return new FlowLogSettings(null, true);
        }
        if (file.isBlank()) {
            section.problem("file", "must name a file");
            return null;
        }
        Path dir = source == null || source.getParent() == null ? Path.of("") : source.getParent();
        Path path = dir.resolve(file);
        Path parent = path.toAbsolutePath().getParent();
        if (filesCheckedAt != null && parent != null && !Files.isDirectory(parent)) {
            section.problem("file", "directory " + parent + " does not exist");
            return null;
        }
        return new FlowLogSettings(path, false);
    }
}
