package io.vanrouter.daemon.flowlog;

import java.nio.file.Path;

/**
 * The {@code flowLog} section: where flow records go, a file (appended to) or the {@code vanrouter.flow} logger.
 * Off when the section is absent.
 *
 * @param file the file to append JSON lines to, or null
 * @param log  true to log each line at INFO to {@value FlowLog#LOGGER}
 */
public record FlowLogSettings(Path file, boolean log) {
    public FlowLogSettings {
        if ((file == null) == !log) {
            throw new IllegalArgumentException("a flow log goes to a file or to the log, one of them");
        }
    }
}
