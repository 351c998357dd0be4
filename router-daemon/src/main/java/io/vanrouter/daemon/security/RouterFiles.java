package io.vanrouter.daemon.security;

import io.vanrouter.daemon.config.Names;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Names of a router's credential files, {@code ID.crt} and {@code ID.key}, and the check that a router id can name a
 * file. The configuration allows any non-blank id; the credential commands take those that are safe as file names
 * everywhere, so that an id never escapes the output directory.
 */
public final class RouterFiles {
    public static final String CA_FILE = "ca.crt";

    private static final Pattern FILE_SAFE = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");

    private RouterFiles() {
    }

    /** Refuses a router id that is no valid id, or that cannot name a file. */
    public static void checkRouterId(String routerId) throws CredentialException {
        String problem = Names.problem(routerId);
        if (problem != null) {
            throw new CredentialException("router id " + problem);
        }
        if (!FILE_SAFE.matcher(routerId).matches()) {
            throw new CredentialException("router id '" + routerId + "' cannot name the credential files; use"
                    + " letters, digits, '-', '_' and '.' (not first)");
        }
    }

    public static Path certFile(Path dir, String routerId) {
        return dir.resolve(routerId + ".crt");
    }

    public static Path keyFile(Path dir, String routerId) {
        return dir.resolve(routerId + ".key");
    }
}
