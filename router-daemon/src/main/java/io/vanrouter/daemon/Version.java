package io.vanrouter.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The vanrouter version, from {@code version.properties} that Maven fills in at build time. */
public final class Version {
    private static final String VERSION = load();

    private Version() {
    }

    /** E.g. {@code 0.1.0-SNAPSHOT}; {@code unknown} when run from classes that Maven did not process. */
    public static String current() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("version", "unknown");
            return version.startsWith("${") ? "unknown" : version;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read version.properties", e);
        }
    }
}
