package io.vanrouter.daemon.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes credential files whole or not at all (a temporary file in the same directory, moved into place), with mode
 * 0600 for secrets and 0644 for the rest. The secret never exists under a wider mode, not even briefly. Any thread.
 */
public final class SecureFiles {
    public static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rw-------");
    public static final Set<PosixFilePermission> PUBLIC = PosixFilePermissions.fromString("rw-r--r--");
    /** Largest credential file read: a PEM certificate or key is a few KiB. */
    public static final long READ_BYTES_MAX = 1L << 20;

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private SecureFiles() {
    }

    /** Refuses when any of {@code files} exists and {@code force} is off, naming the file and {@code --force}. */
    public static void requireAbsent(boolean force, Path... files) throws CredentialException {
        if (force) {
            return;
        }
        for (Path file : files) {
            if (Files.exists(file)) {
                throw new CredentialException(file + " already exists; pass --force to replace it");
            }
        }
    }

    /** Writes a secret (a private key, a token) with mode 0600. */
    public static void writePrivate(Path file, String text) throws IOException {
        write(file, text, PRIVATE);
    }

    /** Writes a public file (a certificate, a revocation list) with mode 0644. */
    public static void writePublic(Path file, String text) throws IOException {
        write(file, text, PUBLIC);
    }

    /** Replaces a file that is not secret (a configuration) keeping its mode; a new one gets 0644. */
    public static void writeKeepingMode(Path file, String text) throws IOException {
        write(file, text, POSIX && Files.exists(file) ? Files.getPosixFilePermissions(file) : PUBLIC);
    }

    /** Reads a text credential file, refusing huge files (a wrong path to a log or an image). */
    public static String read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > READ_BYTES_MAX) {
            throw new IOException("file is too large (" + size + " bytes, at most " + READ_BYTES_MAX + ")");
        }
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    private static void write(Path file, String text, Set<PosixFilePermission> mode) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = POSIX
                ? Files.createTempFile(dir, ".vanrouter-", ".tmp", PosixFilePermissions.asFileAttribute(PRIVATE))
                : Files.createTempFile(dir, ".vanrouter-", ".tmp");
        try {
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            if (POSIX) {
                Files.setPosixFilePermissions(temp, mode); // explicit: the umask does not decide
            }
            try {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
