package io.vanrouter.daemon.mgmt;

import java.util.List;

/**
 * What a configuration reload did.
 *
 * @param applied    whether the new file is live
 * @param generation the configuration generation live now (1 at start, +1 per applied reload)
 * @param summary    what changed, or why nothing did
 * @param problems   the file's problems when it was rejected (each with its line), else empty
 */
public record ReloadOutcome(boolean applied, long generation, String summary, List<String> problems) {
    public ReloadOutcome {
        problems = List.copyOf(problems);
    }
}
