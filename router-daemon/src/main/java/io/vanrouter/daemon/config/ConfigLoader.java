package io.vanrouter.daemon.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a router configuration from a YAML file: reads it, parses it into a located tree and validates it, reporting
 * every problem at once. The schema is documented in {@code docs/configuration.md}. Any thread; no shared state.
 */
public final class ConfigLoader {
    /** Larger files are refused before parsing: a router config is a few hundred bytes. */
    public static final long FILE_BYTES_MAX = 1L << 20;

    private static final Logger LOG = LoggerFactory.getLogger("vanrouter.config");

    private ConfigLoader() {
    }

    /**
     * Loads and validates {@code file}.
     *
     * @throws ConfigException with every problem found, including a missing or unreadable file
     */
    public static RouterConfig load(Path file) throws ConfigException {
        return load(file, null, true);
    }

    /**
     * Loads and validates {@code file} as a configuration still to get its {@code tls} section, which may be missing
     * ({@code token redeem} adds it).
     */
    public static RouterConfig loadBeforeJoining(Path file) throws ConfigException {
        return load(file, null, false);
    }

    /**
     * Loads and validates {@code file}, and checks the files it names (the {@code tls} section's certificates, key
     * and revocation list) as they are at {@code now}: what {@code check-config} reports.
     *
     * @throws ConfigException with every problem found, in the file and in the files it names
     */
    public static RouterConfig loadAndCheckFiles(Path file, Instant now) throws ConfigException {
        return load(file, Objects.requireNonNull(now, "now"), true);
    }

    private static RouterConfig load(Path file, Instant filesCheckedAt, boolean tlsRequired) throws ConfigException {
        String text;
        try {
            long size = Files.size(file);
            if (size > FILE_BYTES_MAX) {
                throw fileProblem(file, "file is too large (" + size + " bytes, at most " + FILE_BYTES_MAX + ")");
            }
            byte[] bytes = Files.readAllBytes(file);
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (NoSuchFileException e) {
            throw fileProblem(file, "file not found");
        } catch (CharacterCodingException e) {
            throw fileProblem(file, "file is not valid UTF-8");
        } catch (IOException e) {
            throw fileProblem(file, "cannot read file: " + e);
        }
        RouterConfig config = parse(text, file, filesCheckedAt, tlsRequired);
        LOG.debug("loaded {}: router {}", file, config.routerId());
        return config;
    }

    /**
     * Validates YAML text; {@code source} is recorded in the result and the exception, and relative file names in
     * the text start from its directory.
     *
     * @throws ConfigException with every problem found
     */
    public static RouterConfig parse(String text, Path source) throws ConfigException {
        return parse(text, source, null);
    }

    /**
     * Validates YAML text; relative file names in it start from {@code source}'s directory.
     *
     * @param filesCheckedAt when not null, the files the text names are read and checked at this instant
     * @throws ConfigException with every problem found
     */
    public static RouterConfig parse(String text, Path source, Instant filesCheckedAt) throws ConfigException {
        return parse(text, source, filesCheckedAt, true);
    }

    private static RouterConfig parse(String text, Path source, Instant filesCheckedAt, boolean tlsRequired)
            throws ConfigException {
        Problems problems = new Problems();
        YamlNode root = new YamlReader(problems).read(text);
        RouterConfig config = root == null ? null
                : new ConfigValidator(problems, filesCheckedAt, tlsRequired).validate(root, source);
        if (!problems.isEmpty() || config == null) {
            throw new ConfigException(source, problems.sorted());
        }
        return config;
    }

    private static ConfigException fileProblem(Path file, String message) {
        return new ConfigException(file, List.of(new ConfigProblem("", 0, 0, message)));
    }
}
